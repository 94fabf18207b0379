"""Pure rules: working hours, event times and details, uploaded images."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, time, timedelta

import pytest

from common import images
from common.errors import RuleViolation
from technicians import rules
from tests.technicians.conftest import GIF, JPEG, PNG, WEBP

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def hours(**overrides):
    values = dict(
        shift_start=time(8, 30),
        shift_end=time(18, 0),
        break_start=time(11, 30),
        break_end=time(13, 30),
        break_duration_min=45,
    )
    values.update(overrides)
    return values


def test_usual_day_with_lunch_window_is_accepted():
    rules.check_working_hours(**hours())


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(shift_end=time(8, 30)), "shift_end"),
        (dict(shift_end=time(7, 0)), "shift_end"),
        (dict(break_start=time(7, 0)), "break_start"),
        (dict(break_end=time(18, 30)), "break_start"),
        (dict(break_start=time(12, 0), break_end=time(12, 30)), "break_duration_min"),
        (dict(break_end=None), "break_end"),
    ],
    ids=[
        "ends-at-start",
        "ends-before-start",
        "break-before-shift",
        "break-after-shift",
        "break-window-too-short",
        "half-a-break-window",
    ],
)
def test_shift_and_break_that_do_not_fit_are_refused_naming_the_field(overrides, field):
    with pytest.raises(RuleViolation) as refused:
        rules.check_working_hours(**hours(**overrides))
    assert refused.value.field == field


def test_no_break_window_is_allowed():
    rules.check_working_hours(**hours(break_start=None, break_end=None))


def test_working_days_are_iso_weekdays_each_once():
    rules.check_working_days([1, 2, 3, 4, 5, 6, 7])
    with pytest.raises(RuleViolation, match=r"\[0, 8\]"):
        rules.check_working_days([0, 1, 8])
    with pytest.raises(RuleViolation, match="once"):
        rules.check_working_days([1, 1])


def test_event_time_may_be_slightly_ahead_of_the_server_clock():
    rules.check_event_time(NOW + timedelta(seconds=rules.MAX_CLOCK_SKEW_S), now=NOW)
    with pytest.raises(RuleViolation, match="future"):
        rules.check_event_time(NOW + timedelta(seconds=rules.MAX_CLOCK_SKEW_S + 1), now=NOW)


def test_event_time_older_than_a_week_or_before_the_previous_step_is_refused():
    with pytest.raises(RuleViolation, match="days old"):
        rules.check_event_time(NOW - timedelta(days=8), now=NOW)
    with pytest.raises(RuleViolation, match="previous step"):
        rules.check_event_time(NOW - timedelta(hours=2), now=NOW, not_before=NOW - timedelta(hours=1))


def test_failed_needs_a_reason_and_only_failed_takes_one():
    with pytest.raises(RuleViolation, match="customer_absent"):
        rules.check_event_details("failed", reason=None, lat=None, lon=None)
    with pytest.raises(RuleViolation):
        rules.check_event_details("arrived", reason="refused", lat=None, lon=None)
    with pytest.raises(RuleViolation, match="both lat and lon"):
        rules.check_event_details("arrived", reason=None, lat=31.2, lon=None)


@pytest.mark.parametrize(
    "data, expected", [(JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp"), (GIF, None), (b"", None)]
)
def test_image_type_is_read_from_the_file_not_the_label(data, expected):
    assert images.sniff_image_type(data) == expected


def test_photo_labelled_jpeg_but_holding_a_gif_is_refused():
    with pytest.raises(RuleViolation, match="not a JPEG, PNG or WebP"):
        images.decode_photo(
            index=1, filename="x.jpg", content_type="image/jpeg", data_base64=base64.b64encode(GIF).decode()
        )


def test_photo_may_come_as_a_data_url():
    image = images.decode_photo(
        index=1,
        filename="x.png",
        content_type="image/png",
        data_base64="data:image/png;base64," + base64.b64encode(PNG).decode(),
    )
    assert image.data == PNG and image.extension == ".png"


def test_photo_just_over_five_megabytes_is_refused():
    too_big = JPEG + bytes(images.MAX_PHOTO_BYTES - len(JPEG) + 1)
    with pytest.raises(RuleViolation, match="larger than 5 MB"):
        images.decode_photo(
            index=2, filename="big.jpg", content_type="image/jpeg", data_base64=base64.b64encode(too_big).decode()
        )
    exactly = JPEG + bytes(images.MAX_PHOTO_BYTES - len(JPEG))
    assert (
        len(
            images.decode_photo(
                index=2, filename="ok.jpg", content_type="image/jpeg", data_base64=base64.b64encode(exactly).decode()
            ).data
        )
        == images.MAX_PHOTO_BYTES
    )


def test_signature_must_be_a_png_data_url():
    with pytest.raises(RuleViolation, match="PNG data URL"):
        images.decode_signature("data:image/jpeg;base64," + base64.b64encode(JPEG).decode())
    with pytest.raises(RuleViolation, match="base64"):
        images.decode_signature("data:image/png;base64,@@@")
