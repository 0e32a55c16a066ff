"""`/export`: this community's requests, tips and check-ins as CSV files, sent privately."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from bot.core.context import Ctx
from bot.core.events import Attachment, AttachmentKind
from bot.core.i18n import N_
from bot.core.markup import plain
from bot.core.registry import Access, Args, CommandSpec, Registry, Where
from bot.features.programs.report import program_files
from storage.report_repo import ReportRepository, Row

# CSV column headers of /export, in the organizer's language.
REQUEST_HEADER = (
    N_("number"),
    N_("status"),
    N_("asker"),
    N_("helper"),
    N_("question"),
    N_("thanks"),
    N_("created"),
    N_("resolved"),
)
TIP_HEADER = (N_("id"), N_("author"), N_("text"), N_("topics"), N_("created"))
CHECKIN_HEADER = (
    N_("day"),
    N_("person"),
    N_("plan"),
    N_("done"),
    N_("skipped"),
    N_("done_note"),
    N_("blocker"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """One CSV cell; text that a spreadsheet would run as a formula is defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Sequence[Row]) -> bytes:
    """CSV bytes (UTF-8 with a BOM, so spreadsheets read accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


class Export:
    """Organizers' CSV export of one community; files go only to the asker's private chat."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def register(self) -> None:
        """Declares `/export`."""
        self._registry.add_command(
            CommandSpec(
                "export",
                "CSV files of this community's requests, tips and check-ins (sent privately)",
                self.export,
                "/export",
                access=Access.ORGANIZER,
                where=Where.GROUP,
            )
        )

    async def export(self, ctx: Ctx, args: Args) -> None:
        """Builds three CSVs of this community only and sends each privately."""
        community, _ = ctx.group()
        report = ReportRepository(ctx.repo.session)
        stem = f"{community.platform}-{community.chat_id}-{ctx.now.date().isoformat()}"
        files = (
            ("requests", N_("requests"), REQUEST_HEADER, await report.request_rows(community.id)),
            ("tips", N_("tips"), TIP_HEADER, await report.tip_rows(community.id)),
            ("checkins", N_("check-ins"), CHECKIN_HEADER, await report.checkin_rows(community.id)),
            *await program_files(ctx.repo.session, community.id),
        )
        reader = ctx.reader_language  # the files go to the organizer alone
        for name, shown, header, rows in files:
            ctx.reply(
                "📄 {title}: {name} (rows: {count})",
                {
                    "title": community.title or community.chat_id,
                    "name": ctx.t_in(reader, shown),
                    "count": len(rows),
                },
                attachment=Attachment(
                    f"{stem.replace(':', '_')}-{name}.csv",
                    to_csv([plain(ctx.t_in(reader, cell)) for cell in header], rows),
                    AttachmentKind.FILE,
                    "text/csv",
                ),
                private=True,
            )
        ctx.reply("I sent you the export privately (requests, tips and check-ins of this group).")
