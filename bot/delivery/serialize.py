"""Outbound messages as JSON, so queued sends survive restarts exactly as composed."""

from __future__ import annotations

import base64
import json
from typing import Any

from bot.core.events import Attachment, AttachmentKind, Button, OutMessage
from bot.core.markup import Mention, Span, Style


def dump_message(message: OutMessage) -> str:
    """JSON text for the outbox row."""
    data: dict[str, Any] = {
        "text": [_dump_span(span) for span in message.text],
        "buttons": [[_dump_button(b) for b in row] for row in message.buttons],
    }
    if message.card:
        data["card"] = True
    if message.attachment is not None:
        file = message.attachment
        data["attachment"] = {
            "filename": file.filename,
            "kind": file.kind.value,
            "mime": file.mime_type,
            "data": base64.b64encode(file.data).decode("ascii"),
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load_message(text: str) -> OutMessage:
    """The OutMessage a row was enqueued with."""
    data = json.loads(text)
    spans = tuple(_load_span(item) for item in data["text"])
    buttons = tuple(tuple(Button(*item) for item in row) for row in data["buttons"])
    attachment = None
    if "attachment" in data:
        file = data["attachment"]
        attachment = Attachment(
            filename=file["filename"],
            data=base64.b64decode(file["data"]),
            kind=AttachmentKind(file["kind"]),
            mime_type=file["mime"],
        )
    return OutMessage(spans, buttons, attachment, card=bool(data.get("card", False)))


def _dump_button(button: Button) -> list[str]:
    fields = [button.label, button.action, button.payload]
    return fields if button.url is None else [*fields, button.url]


def _dump_span(span: Span) -> dict[str, Any]:
    item: dict[str, Any] = {"t": span.text}
    if span.style is not Style.PLAIN:
        item["s"] = span.style.value
    if span.mention is not None:
        item["m"] = [span.mention.platform, span.mention.user_id]
    if span.url is not None:
        item["u"] = span.url
    return item


def _load_span(item: dict[str, Any]) -> Span:
    mention = Mention(*item["m"]) if "m" in item else None
    return Span(item["t"], Style(item.get("s", "plain")), mention, item.get("u"))
