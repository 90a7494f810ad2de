"""An upload handler that stops reading a request body at the import size limit (the rest is never stored)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponseBase

from pendamping.core.api_support import error_response
from pendamping.exchange.services import files


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


def api_upload_limit(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For an API operation (`@decorate_view`): the body is read through `LimitedUpload`, so a file over the limit
    is never written out whole. The file it drops makes the operation's input invalid (400); that answer becomes
    a 413 that says why. Sign-in, scope and throttling answer first, as for any request."""

    @wraps(run)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        handler = LimitedUpload(request, files.max_bytes())
        request.upload_handlers = [handler]
        response = run(request, *args, **kwargs)
        if handler.too_big and response.status_code == 400:
            return error_response(413, files.too_big(handler.received).messages[0], code="too_large")
        return response

    return limited
