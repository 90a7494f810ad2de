"""An upload handler that stops reading a request body at the import size limit (the rest is never stored)."""

from typing import Any

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class LimitedUpload(TemporaryFileUploadHandler):
    def __init__(self, request: Any, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
