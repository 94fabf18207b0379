"""Files people upload (photos, signatures): stored under UPLOAD_DIR with generated names, never in the database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from common.images import UploadedImage


def upload_dir(folder: str) -> Path:
    """The folder under UPLOAD_DIR where one kind of upload lives (e.g. "service_reports")."""
    return Path(current_app.config["UPLOAD_DIR"]) / folder


@contextmanager
def stored_images(folder: str) -> Iterator:
    """Yield a `store(image) -> name` function; every file it wrote is deleted if the block fails.

    A refused request must leave no files behind, as it leaves no rows.
    """
    written: list[Path] = []

    def store(image: UploadedImage) -> str:
        directory = upload_dir(folder)
        directory.mkdir(parents=True, exist_ok=True)
        name = secrets.token_hex(16) + image.extension  # never the client's file name
        path = directory / name
        with open(path, "xb") as handle:
            written.append(path)
            handle.write(image.data)
        return name

    try:
        yield store
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
