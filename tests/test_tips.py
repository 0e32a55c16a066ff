"""Tips: posting, broadcasting, full-text search, helpful votes and the tip of the day."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import Core
from bot.core.events import Address, ButtonPress, ChatKind, Sender
from bot.features.tips import HELPFUL_ACTION
from storage.models import Community, OutboxMessage, Person, Schedule, Tip, TipTopic, TipVote
from storage.repo import NewCommunityDefaults, Repository
from storage.tips_repo import TipLibrary
from tests.harness import ChatDriver, FakeClock

_RESULT_ID = re.compile(r"^\s+#(\d+) ", re.MULTILINE)
_DAILY_ID = re.compile(r"Tip of the day \(#(\d+),")


async def count(core: Core, model: type) -> int:
    async with core.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def tip_ids(core: Core, chat_id: str) -> list[int]:
    async with core.database.sessions() as session:
        rows = await session.scalars(
            select(Tip.id).join(Community).where(Community.chat_id == chat_id).order_by(Tip.id)
        )
        return list(rows)


async def community_id(core: Core, chat_id: str) -> int:
    async with core.database.sessions() as session:
        found = await session.scalar(select(Community.id).where(Community.chat_id == chat_id))
        assert found is not None
        return found


async def organizer(chat: ChatDriver, person: str, group: str) -> None:
    chat.make_admin(person, group)
    await chat.say(person, group, "/join")


async def test_tip_by_organizer_is_posted_and_stored_with_topics(
    chat: ChatDriver, core: Core
) -> None:
    await organizer(chat, "alice", "group-a")
    out = await chat.say(
        "alice", "group-a", "/tip Send the invoice the day the work is done #Invoicing #cash-flow"
    )
    assert out.startswith("[group-a] mentorbot: 💡 Tip #1 from Alice")
    assert "Send the invoice the day the work is done #Invoicing #cash-flow" in out
    assert "] Helpful" in out
    async with core.database.sessions() as session:
        keys = list(await session.scalars(select(TipTopic.key).order_by(TipTopic.id)))
    assert keys == ["invoicing", "cash flow"]


async def test_member_is_told_who_can_post_and_how(chat: ChatDriver, core: Core) -> None:
    await organizer(chat, "alice", "group-a")
    await chat.say("bob", "group-a", "/join")
    out = await chat.say("bob", "group-a", "/tip Drink water #health")
    assert "Only mentors and organizers can post tips" in out
    assert "/promote @you mentor" in out
    assert await count(core, Tip) == 0
    await chat.say("alice", "group-a", "/promote @bob mentor")
    assert "Tip #1 from Bob" in await chat.say("bob", "group-a", "/tip Drink water #health")


async def test_tip_bad_input_writes_nothing(chat: ChatDriver, core: Core) -> None:
    await organizer(chat, "alice", "group-a")
    assert "needs <tip>" in await chat.say("alice", "group-a", "/tip")
    out = await chat.say("alice", "group-a", "/tip #pricing #sales")
    assert "needs some advice, not only topics" in out
    assert "Example: /tip " in out
    out = await chat.say("alice", "group-a", "/tip " + "x" * 1901)
    assert "1901 characters; the limit is 1900" in out
    assert "Discord allows 2000" in out
    out = await chat.say("alice", "group-a", "/tip Nice #" + "t" * 41)
    assert "too long for a topic" in out
    assert "What's the tip" in await chat.say("alice", "group-a", "/tip all")
    assert "Post a tip in a group chat" in await chat.say("alice", None, "/tip Something")
    assert await count(core, Tip) == 0
    await chat.say("alice", "group-a", "/tip Keep receipts #taxes")
    assert "already in this library" in await chat.say(
        "alice", "group-a", "/tip Keep receipts #taxes"
    )
    assert await count(core, Tip) == 1


async def test_tip_all_reaches_each_mentored_community_exactly_once(
    chat: ChatDriver, core: Core
) -> None:
    await organizer(chat, "alice", "group-a")
    await organizer(chat, "carol", "group-b")
    await chat.say("alice", "group-b", "/join")
    await chat.say("carol", "group-b", "/promote @alice mentor")
    await chat.say("alice", "group-c", "/join")  # only a member there: no broadcast
    out = await chat.say("alice", None, "/tip all Price by value, not by hours #pricing")
    assert out.startswith("[dm alice]")
    assert "on its way to 2 communities: group-a, group-b" in out
    assert await count(core, OutboxMessage) == 2
    core.attach(chat.console.messenger)
    start = len(chat.output)
    assert await core.dispatcher.drain_once() == 2
    assert await core.dispatcher.drain_once() == 0
    sent = [line for line in chat.output[start:] if "mentorbot:" in line]
    assert sorted(line.split(" ")[0] for line in sent) == ["[group-a]", "[group-b]"]
    assert all("Price by value, not by hours #pricing" in line for line in sent)
    assert len(await tip_ids(core, "group-a")) == len(await tip_ids(core, "group-b")) == 1
    assert await tip_ids(core, "group-c") == []
    out = await chat.say("alice", "group-a", "/tip all Price by value, not by hours #pricing")
    assert "Already in the library of: group-a, group-b" in out
    assert "[dm alice]" in out  # the list of communities stays private
    assert await count(core, OutboxMessage) == 2
    assert "not a mentor or organizer in any community" in await chat.say(
        "dave", None, "/tip all Hello"
    )


FILLER_TEXT = (
    "plan budget clients weekly notes review goals habits focus team calls market "
    "product launch feedback price simple story photo video brand partner"
)
FILLER = tuple(FILLER_TEXT.split())
TOPICS = ("pricing", "marketing", "email", "taxes", "design")


async def seed_library(core: Core, clock: FakeClock) -> dict[str, int]:
    """200+ deterministic tips in group-a, and a decoy in group-b; returns ids by role."""
    rng = random.Random(20261123)
    ids: dict[str, int] = {}
    async with core.database.sessions() as session, session.begin():
        repo = Repository(session)
        defaults = NewCommunityDefaults("UTC", "en")
        a, _ = await repo.ensure_community("console", "group-a", "group-a", defaults, clock.now())
        b, _ = await repo.ensure_community("console", "group-b", "group-b", defaults, clock.now())
        author = await repo.ensure_account("console", "alice", "Alice", "alice", clock.now())
        library = TipLibrary(session)
        for number in range(210):
            if number == 100:  # the best match sits mid-library: not first, not newest
                best = await library.add_tip(
                    a.id,
                    author.person_id,
                    "Invoice reminder automation: let software send every invoice reminder",
                    [],
                    clock.now(),
                )
                ids["best"] = best.id
            words = rng.sample(FILLER, 8)
            if number % 3 == 0:
                words.insert(rng.randrange(8), rng.choice(("invoice", "reminder", "automation")))
            topic = TOPICS[number % len(TOPICS)]
            text = " ".join(words) + f" #{topic}"
            await library.add_tip(a.id, author.person_id, text, [(topic, topic)], clock.now())
        for name in ("twin_voted", "twin_plain"):  # the older one gets the votes
            twin = await library.add_tip(
                a.id, author.person_id, "Use a standing order for rent", [], clock.now()
            )
            ids[name] = twin.id
        decoy = await library.add_tip(
            b.id,
            author.person_id,
            "Invoice reminder automation invoice reminder automation secret #pricing",
            [("pricing", "pricing")],
            clock.now(),
        )
        ids["decoy"] = decoy.id
    return ids


async def test_search_ranks_best_match_first_on_a_large_library(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    ids = await seed_library(core, clock)
    assert len(await tip_ids(core, "group-a")) >= 200
    out = await chat.say("bob", "group-a", "/tips invoice reminder automation")
    found = [int(number) for number in _RESULT_ID.findall(out)]
    assert found[0] == ids["best"]
    assert len(found) == 5
    assert ids["decoy"] not in found
    assert "secret" not in out
    assert "Helpful #" in out
    # stemming, which a LIKE scan can't do: "automating reminders" finds "automation reminder"
    out = await chat.say("bob", "group-a", "/tips automating reminders")
    assert int(_RESULT_ID.findall(out)[0]) == ids["best"]
    # topic search returns only tips with that topic, and only from this community
    out = await chat.say("bob", "group-a", "/tips #pricing")
    found = [int(number) for number in _RESULT_ID.findall(out)]
    assert "(42 found" in out  # 210 tips, every fifth is #pricing
    async with core.database.sessions() as session:
        tagged = set(
            await session.scalars(select(TipTopic.tip_id).where(TipTopic.key == "pricing"))
        )
    assert found
    assert set(found) <= tagged
    assert ids["decoy"] not in found
    assert "No tips match" in await chat.say("bob", "group-b", "/tips standing order")


async def test_search_spans_exactly_the_communities_asked_for(core: Core, clock: FakeClock) -> None:
    ids = await seed_library(core, clock)
    a, b = [await community_id(core, chat_id) for chat_id in ("group-a", "group-b")]
    words = ["invoice", "reminder", "automation"]
    async with core.database.sessions() as session:
        library = TipLibrary(session)
        only_b = await library.search([b], words, [], 10)
        both = await library.search([a, b], words, [], 100)
        only_a = await library.search([a], words, [], 100)
        nowhere = await library.search([], words, [], 10)
    assert [hit.tip.id for hit in only_b.hits] == [ids["decoy"]]
    assert only_b.total == 1
    assert both.total == only_a.total + 1
    found = [hit.tip.id for hit in both.hits]
    assert ids["decoy"] in found
    assert found.index(ids["decoy"]) < found.index(ids["best"])  # it repeats every word twice
    assert [hit.tip.id for hit in only_a.hits] == [tip for tip in found if tip != ids["decoy"]]
    assert nowhere.hits == []


async def test_a_tip_moved_to_another_community_is_searched_there(
    core: Core, clock: FakeClock
) -> None:
    ids = await seed_library(core, clock)
    a = await community_id(core, "group-a")
    async with core.database.sessions() as session, session.begin():
        decoy = await session.get(Tip, ids["decoy"])
        assert decoy is not None
        decoy.community_id = a
    async with core.database.sessions() as session:
        found = await TipLibrary(session).search([a], ["secret"], [], 10)
    assert [hit.tip.id for hit in found.hits] == [ids["decoy"]]


async def test_equal_matches_are_ordered_by_helpfulness(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    ids = await seed_library(core, clock)
    async with core.database.sessions() as session, session.begin():
        library = TipLibrary(session)
        for voter in ("bob", "carol"):
            account = await Repository(session).ensure_account(
                "console", voter, voter, voter, clock.now()
            )
            await library.toggle_helpful(ids["twin_voted"], account.person_id, clock.now())
    out = await chat.say("dave", "group-a", "/tips standing order")
    found = [int(number) for number in _RESULT_ID.findall(out)]
    assert found == [ids["twin_voted"], ids["twin_plain"]]
    assert "👍 2" in out


async def test_nothing_found_suggests_topics_and_empty_library_says_so(
    chat: ChatDriver, core: Core
) -> None:
    assert "library is empty" in await chat.say("bob", "group-a", "/tips pricing")
    await organizer(chat, "alice", "group-a")
    await chat.say("alice", "group-a", "/tip Raise prices yearly #pricing")
    await chat.say("alice", "group-a", "/tip Batch your emails #email #focus")
    out = await chat.say("bob", "group-a", "/tips astronomy")
    assert "No tips match “astronomy”" in out
    assert "#pricing" in out
    assert "#email" in out
    assert "Search with words or a #topic" in await chat.say("bob", "group-a", "/tips ?!")
    out = await chat.say("bob", "group-a", "/tips")
    assert "Most helpful tips (2 in all)" in out
    assert "works in a group chat" in await chat.say("bob", None, "/tips pricing")


async def test_helpful_votes_toggle_one_per_person(chat: ChatDriver, core: Core) -> None:
    await organizer(chat, "alice", "group-a")
    await chat.say("alice", "group-a", "/tip Raise prices yearly #pricing")
    assert "marked helpful (1 so far)" in await chat.press("bob", "Helpful")
    assert "marked helpful (2 so far)" in await chat.press("carol", "Helpful")
    assert "taken back (1 left)" in await chat.press("bob", "Helpful")
    assert "marked helpful (2 so far)" in await chat.press("bob", "Helpful")
    assert "your own tip" in await chat.press("alice", "Helpful")
    assert await count(core, TipVote) == 2
    out = await chat.say("dave", "group-a", "/tips prices")
    assert "👍 2" in out
    # the same tip's button pressed from another community's chat does nothing there
    tip_id = (await tip_ids(core, "group-a"))[0]
    press = ButtonPress(
        Address("console", "group-b", "eve"),
        ChatKind.GROUP,
        Sender("Eve", "eve"),
        HELPFUL_ACTION,
        str(tip_id),
        chat_title="group-b",
    )
    replies = await core.router.handle(press, chat.console.messenger)
    assert "another community" in "".join(span.text for span in replies[0].message.text)
    forged = replace(press, payload="99999999999999")
    replies = await core.router.handle(forged, chat.console.messenger)
    assert "has been deleted" in "".join(span.text for span in replies[0].message.text)
    assert await count(core, TipVote) == 2


async def test_vote_on_a_deleted_tip_is_answered_politely(chat: ChatDriver, core: Core) -> None:
    await organizer(chat, "alice", "group-a")
    await chat.say("alice", "group-a", "/tip Raise prices yearly #pricing")
    await chat.press("bob", "Helpful")
    await chat.say("alice", None, "/forgetme")
    out = await chat.press("alice", "Delete everything")
    assert "1 tip," in out
    assert await count(core, Tip) == 0
    assert await count(core, TipVote) == 0
    assert "has been deleted" in await chat.press("bob", "Helpful")
    # the full-text index forgot it too
    assert "library is empty" in await chat.say("bob", "group-a", "/tips prices")


async def test_forgetme_deletes_own_votes_and_scheduled_tips(chat: ChatDriver, core: Core) -> None:
    await organizer(chat, "alice", "group-a")
    await chat.say("alice", "group-a", "/tip Raise prices yearly #pricing")
    await chat.say("bob", "group-a", "/join")
    await chat.say("alice", "group-a", "/promote @bob mentor")
    await chat.press("bob", "Helpful")
    await chat.say("bob", "group-a", "/schedule tip tomorrow 9am Stretch every hour")
    await chat.say("bob", None, "/forgetme")
    out = await chat.press("bob", "Delete everything")
    assert "Done. I deleted every record of you" in out
    assert await count(core, TipVote) == 0
    assert await count(core, Schedule) == 0
    assert await count(core, Tip) == 1


async def schedule_id(core: Core, kind: str) -> int:
    async with core.database.sessions() as session:
        found = await session.scalar(
            select(Schedule.id).where(Schedule.kind == kind, Schedule.enabled.is_(True))
        )
    assert found is not None
    return found


async def fire_day(core: Core, clock: FakeClock, sid: int, day: int) -> None:
    occurrence = datetime(2026, 11, 24, 9, tzinfo=UTC) + timedelta(days=day)
    clock.current = occurrence
    assert await core.schedules.fire(sid, occurrence)
    await core.dispatcher.drain_once()


async def test_tip_of_the_day_never_repeats_before_the_library_is_exhausted(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await organizer(chat, "alice", "group-a")
    for number in range(5):
        await chat.say("alice", "group-a", f"/tip Tip number {number} #t{number}")
    voters = {3: ("bob", "carol"), 1: ("bob",)}
    ids = await tip_ids(core, "group-a")
    for index, people in voters.items():
        async with core.database.sessions() as session, session.begin():
            for voter in people:
                account = await Repository(session).ensure_account(
                    "console", voter, voter, voter, clock.now()
                )
                await TipLibrary(session).toggle_helpful(ids[index], account.person_id, clock.now())
    out = await chat.say("alice", "group-a", "/schedule tips 09:00")
    assert "Tip of the day at 09:00 daily (UTC); the first on Tue 24 Nov 09:00" in out
    assert "The library has 5 tips" in out
    sid = await schedule_id(core, "tips")
    core.attach(chat.console.messenger)
    start = len(chat.output)
    for day in range(8):
        await fire_day(core, clock, sid, day)
    posted = [int(n) for line in chat.output[start:] for n in _DAILY_ID.findall(line)]
    assert len(posted) == 8
    # every tip once before any repeats: best-rated first, then the oldest
    assert posted[:5] == [ids[3], ids[1], ids[0], ids[2], ids[4]]
    assert posted[5:] == posted[:3]  # then the longest-ago posted return, in order
    assert all(line.startswith("[group-a]") for line in chat.output[start:] if "mentorbot" in line)


async def test_empty_library_sends_nothing_and_tells_organizers_once(
    chat: ChatDriver, core: Core, clock: FakeClock
) -> None:
    await organizer(chat, "alice", "group-a")
    assert "Only organizers" in await chat.say("bob", "group-a", "/schedule tips 09:00")
    out = await chat.say("alice", "group-a", "/schedule tips 9:00 weekdays")
    assert "09:00 weekdays (UTC)" in out
    assert "library is empty for now" in out
    sid = await schedule_id(core, "tips")
    core.attach(chat.console.messenger)
    start = len(chat.output)
    for day in range(3):
        await fire_day(core, clock, sid, day)
    notices = [line for line in chat.output[start:] if "mentorbot" in line]
    assert len(notices) == 1
    assert notices[0].startswith("[group-a] mentorbot: 📭 No tip of the day today")
    assert await count(core, OutboxMessage) == 1
    out = await chat.say("alice", "group-a", "/schedule tips 10:00")
    assert "It replaces the earlier time" in out
    assert "not a time" in await chat.say("alice", "group-a", "/schedule tips 25:00")
    assert "can't read the days" in await chat.say("alice", "group-a", "/schedule tips 09:00 x")
    assert "Say when" in await chat.say("alice", "group-a", "/schedule tips")
    async with core.database.sessions() as session:
        enabled = await session.scalar(
            select(func.count()).select_from(Schedule).where(Schedule.enabled.is_(True))
        )
    assert enabled == 1


async def test_schedule_one_tip_for_later(chat: ChatDriver, core: Core, clock: FakeClock) -> None:
    await organizer(chat, "alice", "group-a")
    out = await chat.say("bob", "group-a", "/schedule tip tomorrow 9am Stretch #health")
    assert "Only mentors and organizers can use /schedule tip" in out
    assert "in the past" in await chat.say(
        "alice", "group-a", "/schedule tip 2020-01-01 10:00 Old news"
    )
    assert "What's the tip" in await chat.say("alice", "group-a", "/schedule tip tomorrow 9am")
    assert "couldn't find when" in await chat.say("alice", "group-a", "/schedule tip whenever")
    assert "needs some advice" in await chat.say(
        "alice", "group-a", "/schedule tip tomorrow 9am #health"
    )
    out = await chat.say(
        "alice", "group-a", "/schedule tip tomorrow 9am Stretch every hour #health"
    )
    assert "on Tue 2026-11-24 09:00 (UTC) as #" in out
    assert await count(core, Tip) == 0  # stored when it is posted
    assert "one tip: 09:00" in await chat.say("bob", "group-a", "/schedule list")
    sid = await schedule_id(core, "tip")
    core.attach(chat.console.messenger)
    clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert await core.schedules.fire(sid, clock.current)
    assert not await core.schedules.fire(sid, clock.current)
    start = len(chat.output)
    assert await core.dispatcher.drain_once() == 1
    assert chat.output[start].startswith("[group-a] mentorbot: 💡 Tip #1 from Alice")
    assert "Stretch every hour #health" in chat.output[start]
    async with core.database.sessions() as session:
        keys = list(await session.scalars(select(TipTopic.key)))
        person = await session.scalar(select(Person).join(Tip, Tip.author_id == Person.id))
    assert keys == ["health"]
    assert person is not None
    assert person.display_name == "Alice"
    assert "#1 Stretch every hour" in await chat.say("bob", "group-a", "/tips stretch")


async def test_tips_are_limited_per_person_per_hour(chat: ChatDriver, clock: FakeClock) -> None:
    chat.make_admin("olu", "g1")
    for index in range(10):
        assert "Tip #" in await chat.say("olu", "g1", f"/tip advice number {index}")
    out = await chat.say("olu", "g1", "/tip advice number 11")
    assert "posted a tip 10 times in the last hour" in out
    assert "posted a tip 10 times" in await chat.say("olu", None, "/tip all broadcast")
    clock.advance(hours=1)
    assert "Tip #" in await chat.say("olu", "g1", "/tip fresh advice")
