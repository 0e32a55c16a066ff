"""`/met`: one side logs a meeting, the other confirms with one tap, both rate it privately.

After the pair's first confirmed meeting the mentee is asked how the fit is.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Ctx
from bot.core.errors import PermissionDenied, UsageError
from bot.core.events import Button, OutMessage
from bot.core.i18n import N_
from bot.core.registry import Args, CommandSpec, Param, ParamKind, Registry
from bot.domain.dates import local_today
from bot.features.programs.my_pair import actor_pair, name_of
from bot.features.programs.reach import Voice, dm_from, organizer_ids
from storage.program_loop_repo import LoopRepository
from storage.program_models import FitAnswer, PairStatus, ProgramPair
from storage.programs_repo import ProgramRepository

MET_EXAMPLE = "/met we planned the first price list"
WAITING_FOR = timedelta(days=7)
"""An unconfirmed meeting this recent blocks a second `/met` (the first still waits)."""
RATINGS = (
    ("1", N_("1 – not useful")),
    ("2", N_("2 – a little useful")),
    ("3", N_("3 – useful")),
    ("4", N_("4 – very useful")),
)
FITS = (
    (FitAnswer.GOOD, N_("Good fit")),
    (FitAnswer.NOT_SURE, N_("Not sure")),
    (FitAnswer.ANOTHER, N_("I'd like another mentor")),
)


class Meetings:
    """Logs, confirms and rates meetings; asks the mentee about the fit after the first."""

    def __init__(self, registry: Registry, voice: Voice) -> None:
        self._registry = registry
        self._voice = voice

    def register(self) -> None:
        """Declares `/met` and its confirm, rating and fit buttons."""
        self._registry.add_command(
            CommandSpec(
                "met",
                "Log a meeting with your mentor or mentee; they confirm it with one tap",
                self.met,
                MET_EXAMPLE,
                params=(Param("note", ParamKind.TEXT, "what you talked about", required=False),),
            )
        )
        self._registry.add_button("pmet", self.confirm)
        self._registry.add_button("prate", self.rate)
        self._registry.add_button("pfit", self.fit)

    async def met(self, ctx: Ctx, args: Args) -> None:
        """Logs a meeting and asks the partner to confirm it by DM."""
        found = await actor_pair(ctx, str(args.get("note", "")), MET_EXAMPLE)
        session = ctx.repo.session
        loop = LoopRepository(session)
        partner = await name_of(session, found.partner_id, ctx.platform)
        if await loop.waiting_meeting(found.pair.id, ctx.now - WAITING_FOR) is not None:
            ctx.reply(
                "A meeting with {partner} is already waiting for confirmation. "
                "It counts once it is confirmed; there is no need to log it again.",
                {"partner": partner},
                private=True,
            )
            return
        note = found.rest or None
        meeting = await loop.log_meeting(found.pair.id, ctx.person.id, note, ctx.now)
        reader = await self._voice.reader(session, found.partner_id, found.program)
        if reader is not None:
            values = {
                "name": ctx.account.display_name,
                "date": local_today(reader.zone, ctx.now).isoformat(),
                "note": note or "",
            }
            template = (
                N_("{name} logged a meeting with you on {date}: “{note}”. Did it happen?")
                if note
                else N_("{name} logged a meeting with you on {date}. Did it happen?")
            )
            button = Button(self._voice.label(reader, "Confirm"), "pmet", str(meeting.id))
            message = OutMessage(self._voice.say(reader, template, values), ((button,),))
            await dm_from(ctx, reader, f"met:{meeting.id}:confirm", message)
        ctx.reply(
            "Logged your meeting with {partner}. It counts once they confirm it; "
            "I've asked them privately.",
            {"partner": partner},
            private=True,
        )

    async def confirm(self, ctx: Ctx, payload: str) -> None:
        """The partner's one tap; anyone else is refused and nothing changes."""
        loop = LoopRepository(ctx.repo.session)
        meeting = await loop.meeting(int(payload)) if payload.isdigit() else None
        pair = await ProgramRepository(ctx.repo.session).pair(meeting.pair_id) if meeting else None
        if meeting is None or pair is None or pair.status != PairStatus.ACTIVE.value:
            raise UsageError("That meeting is no longer open to confirm.")
        if (
            ctx.person.id not in (pair.mentee_id, pair.mentor_id)
            or ctx.person.id == meeting.logged_by
        ):
            raise PermissionDenied("Only the other person of this pair can confirm this meeting.")
        if meeting.confirmed_at is not None:
            ctx.reply("This meeting is already confirmed. Thank you!", private=True)
            return
        meeting.confirmed_at = ctx.now
        meeting.confirmed_by = ctx.person.id
        await ctx.repo.session.flush()
        ctx.reply(
            "Confirmed, thank you. How useful was the meeting for you? Only the organizers' "
            "totals use your rating.",
            buttons=self._rating_buttons(ctx, meeting.id),
            private=True,
        )
        program = await ProgramRepository(ctx.repo.session).by_id(pair.program_id)
        assert program is not None
        logger = await self._voice.reader(ctx.repo.session, meeting.logged_by, program)
        if logger is not None:
            buttons = tuple(
                (Button(self._voice.label(logger, label), "prate", f"{meeting.id}|{value}"),)
                for value, label in RATINGS
            )
            message = OutMessage(
                self._voice.say(
                    logger,
                    "{name} confirmed your meeting. How useful was it for you? Only the "
                    "organizers' totals use your rating.",
                    {"name": ctx.account.display_name},
                ),
                buttons,
            )
            await dm_from(ctx, logger, f"met:{meeting.id}:rate", message)
        if await loop.confirmed_meetings(pair.id) == 1:
            await self._ask_fit(ctx, pair)

    def _rating_buttons(self, ctx: Ctx, meeting_id: int) -> tuple[tuple[Button, ...], ...]:
        return tuple(
            (
                Button(
                    str(ctx.translator.gettext(ctx.language, label)),
                    "prate",
                    f"{meeting_id}|{value}",
                ),
            )
            for value, label in RATINGS
        )

    async def _ask_fit(self, ctx: Ctx, pair: ProgramPair) -> None:
        """After the first confirmed meeting: the mentee says how the fit is."""
        program = await ProgramRepository(ctx.repo.session).by_id(pair.program_id)
        assert program is not None
        mentee = await self._voice.reader(ctx.repo.session, pair.mentee_id, program)
        if mentee is None:
            return
        mentor = await name_of(ctx.repo.session, pair.mentor_id, mentee.account.platform)
        buttons = tuple(
            (Button(self._voice.label(mentee, label), "pfit", f"{pair.id}|{answer.value}"),)
            for answer, label in FITS
        )
        message = OutMessage(
            self._voice.say(
                mentee,
                "You've had your first meeting with {mentor}. How is the fit? Your answer goes "
                "only to the organizers.",
                {"mentor": mentor},
            ),
            buttons,
        )
        await dm_from(ctx, mentee, f"fit:{pair.id}", message)

    async def rate(self, ctx: Ctx, payload: str) -> None:
        """A private 1–4 rating by either side of a confirmed meeting."""
        meeting_id, _, value = payload.partition("|")
        loop = LoopRepository(ctx.repo.session)
        meeting = await loop.meeting(int(meeting_id)) if meeting_id.isdigit() else None
        pair = await ProgramRepository(ctx.repo.session).pair(meeting.pair_id) if meeting else None
        if meeting is None or pair is None or meeting.confirmed_at is None:
            raise UsageError("That meeting can't be rated now.")
        if ctx.person.id not in (pair.mentee_id, pair.mentor_id):
            raise PermissionDenied("Only the two people who met can rate this meeting.")
        if value not in {v for v, _ in RATINGS}:
            raise UsageError("A rating is a number from 1 to 4.", example="3")
        await loop.rate(meeting.id, ctx.person.id, int(value), ctx.now)
        ctx.reply("Thanks, your rating is saved. Nobody sees it on its own.", private=True)

    async def fit(self, ctx: Ctx, payload: str) -> None:
        """The mentee's fit answer; "another mentor" tells the organizers and marks the mentee."""
        pair_id, _, value = payload.partition("|")
        pair = (
            await ProgramRepository(ctx.repo.session).pair(int(pair_id))
            if pair_id.isdigit()
            else None
        )
        if pair is None or value not in {answer.value for answer, _ in FITS}:
            raise UsageError("That question is no longer open.")
        if ctx.person.id != pair.mentee_id:
            raise PermissionDenied("Only the mentee of this pair can answer this question.")
        await LoopRepository(ctx.repo.session).save_fit(pair.id, ctx.person.id, value, ctx.now)
        if value != FitAnswer.ANOTHER.value:
            ctx.reply("Thank you, noted.", private=True)
            return
        programs = ProgramRepository(ctx.repo.session)
        participant = await programs.participant(pair.program_id, pair.mentee_id)
        if participant is not None:
            participant.wants_new_mentor = True
        program = await programs.by_id(pair.program_id)
        assert program is not None
        for organizer_id in await organizer_ids(ctx.repo.session, program):
            reader = await self._voice.reader(ctx.repo.session, organizer_id, program)
            if reader is None:
                continue
            mentor = await name_of(ctx.repo.session, pair.mentor_id, reader.account.platform)
            message = OutMessage(
                self._voice.say(
                    reader,
                    "{mentee} would like another mentor than {mentor} in **{program}**. "
                    "They are in the next matching round.",
                    {"mentee": ctx.account.display_name, "mentor": mentor, "program": program.name},
                )
            )
            await dm_from(ctx, reader, f"fit:{pair.id}:org:{organizer_id}", message)
        ctx.reply(
            "Thank you for saying so. I've told the organizers privately, and you're in the "
            "next matching round.",
            private=True,
        )
