"""The offline gazetteer places every Shanghai district, as customers write it, at its centre."""

from __future__ import annotations

import pytest

from dispatch import gazetteer

SHANGHAI_DISTRICTS = (
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
)


def test_the_table_has_all_sixteen_districts_inside_shanghai():
    places = gazetteer.districts()
    assert sorted(p.name for p in places) == sorted(SHANGHAI_DISTRICTS)
    assert all(30.6 < p.lat < 31.9 and 120.8 < p.lon < 122.0 for p in places)


@pytest.mark.parametrize("name", SHANGHAI_DISTRICTS)
def test_every_district_resolves_from_an_address_written_in_chinese(name):
    place = gazetteer.find_district(f"上海市{name}某某路88弄3号502室")
    assert place is not None and place.name == name


def test_short_names_and_pinyin_resolve_too():
    assert gazetteer.find_district("浦东世纪大道100号").name == "浦东新区"
    assert gazetteer.find_district("100 Century Avenue, Pudong, Shanghai").name == "浦东新区"


def test_a_road_named_after_another_district_does_not_decide():
    assert gazetteer.find_district("上海市静安区宝山路200号").name == "静安区"


def test_an_address_naming_no_district_is_not_guessed():
    assert gazetteer.find_district("人民路1号") is None
    assert gazetteer.city().name == "上海市"
