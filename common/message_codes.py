"""The words of the bottom layer's error codes (English templates; `common.message_text` translates them)."""

from __future__ import annotations

from common.messages import N_, register_messages

MESSAGES = register_messages(
    {
        "saved_at_the_same_time": N_("This conflicts with a record saved at the same time; reload and retry."),
        # logins and roles
        "login_first": N_("Log in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/token."),
        "wrong_credentials": N_("Wrong username or password."),
        "role_needed": N_("This needs the role %(roles)s; you are logged in as %(role)s."),
        # Idempotency-Key
        "idempotency_key_invalid": N_("%(header)s must be 1 to %(max_length)s printable characters, e.g. a UUID."),
        "idempotency_key_reused": N_(
            "this %(header)s was used with a different request; send a new key for a new action."
        ),
        "idempotency_key_in_progress": N_(
            "A request with this %(header)s is still being processed; retry in a moment."
        ),
        # photos and signatures
        "photo_label": N_("Photo %(index)s (%(filename)s)"),
        "signature_label": N_("The signature"),
        "photo_wrong_type": N_("%(photo)s is %(content_type)s; send JPEG, PNG or WebP."),
        "photo_too_large": N_("%(photo)s is larger than %(max_mb)s MB; send a smaller photo."),
        "photo_content_differs": N_(
            "%(photo)s says %(content_type)s but its content is %(actual)s; send the image file itself."
        ),
        "photo_content_not_an_image": N_(
            "%(photo)s says %(content_type)s but its content is not a JPEG, PNG or WebP image; "
            "send the image file itself."
        ),
        "signature_not_png_data_url": N_("signature must be a PNG data URL ('data:image/png;base64,...')."),
        "signature_too_large": N_("The signature is larger than %(max_kb)s KB."),
        "signature_not_png": N_("The signature is not a PNG image; send the canvas as PNG."),
        "not_base64": N_("%(what)s is not valid base64."),
        # services
        "job_queue_unreachable": N_(
            "The job queue cannot be reached; try again later. An administrator must start Redis and a worker "
            "(`flask --app app scheduling worker`), or set JOBS_EAGER=1."
        ),
    }
)
