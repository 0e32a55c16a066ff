"""`/program report`: the program's numbers for organizers, privately, with a PNG chart;
and the program CSVs that `/export` adds (no reflection text, no rating of anyone)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Ctx
from bot.core.errors import UsageError
from bot.core.events import Attachment, AttachmentKind
from bot.core.i18n import N_
from bot.core.markup import RichText, join
from bot.core.registry import Access
from bot.domain.dates import local_today
from bot.features.bridges import circle_ids
from bot.features.programs.my_pair import name_of
from bot.features.programs.sweeps import stuck_pairs
from storage.bridge_repo import BridgeRepository
from storage.program_report_repo import ProgramNumbers, ProgramReportRepository
from storage.programs_repo import ProgramRepository
from storage.report_repo import Row

# CSV column headers, in the organizer's language (like the other /export files).
PAIR_HEADER = (N_("mentee"), N_("mentor"), N_("status"), N_("score"), N_("paired"), N_("ended"))
MEETING_HEADER = (N_("mentee"), N_("mentor"), N_("logged_by"), N_("logged"), N_("confirmed"))
GOAL_HEADER = (N_("mentee"), N_("mentor"), N_("goal"), N_("target"), N_("progress"), N_("done"))


def month_span(zone: str, now: datetime) -> tuple[datetime, datetime]:
    """Where this calendar month begins and the next begins, in the community's calendar."""
    today = local_today(zone, now)
    first = today.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    tz = ZoneInfo(zone)
    return (
        datetime.combine(first, time(), tz).astimezone(ZoneInfo("UTC")),
        datetime.combine(following, time(), tz).astimezone(ZoneInfo("UTC")),
    )


def report_chart(labels: Sequence[str], values: Sequence[float], title: str) -> bytes:
    """Horizontal bars of the report's numbers as PNG bytes (Agg canvas, no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.barh(positions, values, color="#3182bd")
    axes.set_yticks(positions, list(labels))
    axes.invert_yaxis()
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


class ProgramReport:
    """Builds the report for the program of the actor's community."""

    async def report(self, ctx: Ctx) -> None:
        """Sends the report privately: text with the numbers, and a chart."""
        community, _ = ctx.group()
        await ctx.require(Access.ORGANIZER, "program report")
        session = ctx.repo.session
        program = await ProgramRepository(session).latest(await circle_ids(ctx))
        if program is None:
            raise UsageError(
                "There is no program here yet. An organizer opens one with `/program new <name>`.",
                example="/program new Spring mentoring",
            )
        numbers = await ProgramReportRepository(session).numbers(
            program.id, *month_span(community.timezone, ctx.now)
        )
        stuck = await stuck_pairs(session, program, ctx.now)
        names = [
            ctx.t(
                "{mentee} and {mentor}",
                {
                    "mentee": await name_of(session, pair.mentee_id, ctx.platform),
                    "mentor": await name_of(session, pair.mentor_id, ctx.platform),
                },
            )
            for pair in stuck
        ]
        lines = self._lines(ctx, program.name, numbers, len(stuck))
        if names:
            lines.append(ctx.t("Stuck: {pairs}", {"pairs": join(names, ", ")}))
        labels = [
            ctx.translator.gettext(ctx.language, label)
            for label in (
                N_("Pairs"),
                N_("Meetings this month"),
                N_("Reflections sent"),
                N_("Reflections expected"),
                N_("Goals set"),
                N_("Goals done"),
                N_("Stuck pairs"),
            )
        ]
        values = [
            numbers.pairs,
            numbers.meetings,
            numbers.reflections_sent,
            numbers.reflections_expected,
            numbers.goals_set,
            numbers.goals_done,
            len(stuck),
        ]
        png = report_chart(labels, values, program.name)
        ctx.reply(
            "{text}",
            {"text": join(lines)},
            attachment=Attachment(
                f"program-{program.id}-{ctx.now.date().isoformat()}.png",
                png,
                AttachmentKind.IMAGE,
                "image/png",
            ),
            private=True,
        )
        if ctx.in_group:
            ctx.reply("I sent you the program report privately.")

    @staticmethod
    def _lines(ctx: Ctx, name: str, numbers: ProgramNumbers, stuck: int) -> list[RichText]:
        rating = (
            ctx.t("{mean} of 4", {"mean": f"{numbers.mean_rating:.1f}"})
            if numbers.mean_rating is not None
            else ctx.t("no ratings yet")
        )
        return [
            ctx.t("📋 **{program}**: the program report", {"program": name}),
            ctx.t("Active pairs: {count}", {"count": numbers.pairs}),
            ctx.t("Meetings this month: {count}", {"count": numbers.meetings}),
            ctx.t(
                "Reflections sent / expected: {sent} / {expected}",
                {"sent": numbers.reflections_sent, "expected": numbers.reflections_expected},
            ),
            ctx.t(
                "Goals set / done: {set} / {done}",
                {"set": numbers.goals_set, "done": numbers.goals_done},
            ),
            ctx.t("Mean meeting rating: {rating}", {"rating": rating}),
            ctx.t("Stuck pairs: {count}", {"count": stuck}),
        ]


async def program_files(
    session: AsyncSession, community_id: int
) -> list[tuple[str, str, tuple[str, ...], list[Row]]]:
    """The latest program's pairs, meetings and goals for `/export` (none without a program)."""
    circle = await BridgeRepository(session).circle_ids(community_id)
    program = await ProgramRepository(session).latest(circle)
    if program is None:
        return []
    rows = ProgramReportRepository(session)
    return [
        ("program-pairs", N_("program pairs"), PAIR_HEADER, await rows.pair_rows(program.id)),
        (
            "program-meetings",
            N_("program meetings"),
            MEETING_HEADER,
            await rows.meeting_rows(program.id),
        ),
        ("program-goals", N_("program goals"), GOAL_HEADER, await rows.goal_rows(program.id)),
    ]
