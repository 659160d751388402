"""The deadline-day mix: what students and college offices do, one request per pick.

Weights are per request. Students mostly read (their photos, record, messages); a photo is
confirmed once (a student who already answered and presses again gets the same answer,
DESIGN §3); a few dispute or file an erratum; logins are a small share (sessions last an
hour and are reused); the offices work their errata queue and look at progress.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable

import httpx

from soak.client import Gateway
from soak.population import COLLEGES, Institution, Registrar, Student

WEIGHTS: dict[str, int] = {
    "photos.mine": 18,
    "photos.image": 12,
    "records.mine": 10,
    "records.match": 5,
    "records.printable": 3,
    "notify.inbox": 8,
    "corrections.mine": 5,
    "identity.me": 4,
    "identity.login": 2,
    "photos.confirm": 14,
    "photos.dispute": 1,
    "corrections.file": 3,
    "office.queue": 6,
    "office.approve": 6,
    "office.stats": 3,
}


class Mix:
    def __init__(
        self, gateway: Gateway, inst: Institution, registrar: Registrar, seed: int = 1
    ) -> None:
        self.g = gateway
        self.inst = inst
        self.reg = registrar
        self.rng = random.Random(seed)
        self.students: list[Student] = []
        self.with_photos: list[Student] = []  # both photos linked and seen
        self.pending: list[tuple[Student, str]] = []  # photos not yet answered
        self.queues: dict[str, list[str]] = {c: [] for c in COLLEGES}  # errata to decide
        self.queued: set[str] = set()
        self.reviews: list[tuple[str, str]] = []  # (college, photo) after a machine check
        self.notes: Counter[str] = Counter()
        self._names = list(WEIGHTS)
        self._weights = list(WEIGHTS.values())
        self._actions: dict[str, Callable[[], Awaitable[None]]] = {
            name: getattr(self, "_" + name.replace(".", "_")) for name in WEIGHTS
        }

    def add(self, student: Student) -> None:
        """A registered student joins (their photos may still be on their way)."""
        self.students.append(student)
        self.saw(student, list(student.photos))

    def saw(self, student: Student, kinds: list[str]) -> None:
        """New photos of a student: to be answered."""
        self.pending += [(student, k) for k in kinds if student.states.get(k) == "pending"]
        if len(student.photos) == 2 and kinds:
            self.with_photos.append(student)

    async def one(self) -> None:
        if not self.students:
            return
        name = self.rng.choices(self._names, self._weights)[0]
        await self._actions[name]()

    def _student(self) -> Student:
        return self.rng.choice(self.students)

    async def _as(
        self, s: Student, family: str, method: str, url: str, **kwargs: object
    ) -> httpx.Response | None:
        if s.token is None and not await self.reg.log_in(s):
            return None
        answer = await self.g.call(family, method, url, token=s.token, **kwargs)
        if answer is not None and answer.status_code == 401:
            s.token = None  # expired: the next pick logs in again
        return answer

    # --- students ---------------------------------------------------------------------------
    async def _photos_mine(self) -> None:
        s = self._student()
        answer = await self._as(s, "photos.mine", "GET", "/api/photos/v1/me/photos")
        if answer is not None and answer.status_code == 200:
            self.saw(s, s.see(answer.json()))

    async def _photos_image(self) -> None:
        if not self.with_photos:
            return await self._photos_mine()
        s = self.rng.choice(self.with_photos)
        kind = self.rng.choice(sorted(s.photos))
        await self._as(s, "photos.image", "GET", f"/api/photos/v1/photos/{s.photos[kind]}/image")

    async def _records_mine(self) -> None:
        await self._as(self._student(), "records.mine", "GET", "/api/records/v1/me/records")

    async def _records_match(self) -> None:
        await self._as(self._student(), "records.match", "GET", "/api/records/v1/me/match")

    async def _records_printable(self) -> None:
        s = self._student()
        if s.record_id is None:
            return await self._records_mine()
        url = f"/api/records/v1/me/records/{s.record_id}/printable"
        await self._as(s, "records.printable", "GET", url)

    async def _notify_inbox(self) -> None:
        await self._as(self._student(), "notify.inbox", "GET", "/api/notify/v1/me/messages")

    async def _corrections_mine(self) -> None:
        await self._as(self._student(), "corrections.mine", "GET", "/api/corrections/v1/me/errata")

    async def _identity_me(self) -> None:
        await self._as(self._student(), "identity.me", "GET", "/api/identity/v1/me")

    async def _identity_login(self) -> None:
        await self.reg.log_in(self._student())

    def _take_pending(self, kind: str | None = None) -> tuple[Student, str] | None:
        candidates = [i for i, (_, k) in enumerate(self.pending) if kind in (None, k)]
        if not candidates:
            return None
        i = self.rng.choice(candidates)
        self.pending[i], self.pending[-1] = self.pending[-1], self.pending[i]
        return self.pending.pop()

    async def _photos_confirm(self) -> None:
        taken = self._take_pending()
        if taken is None:  # everyone answered: a student presses confirm again
            answered = [
                (s, k) for s in self.students for k, v in s.states.items() if v == "confirmed"
            ]
            if not answered:
                return await self._photos_mine()
            taken = self.rng.choice(answered)
            self.notes["confirm repeated"] += 1
        s, kind = taken
        answer = await self._as(
            s, "photos.confirm", "POST", f"/api/photos/v1/photos/{s.photos[kind]}/confirm"
        )
        self._answered(s, kind, answer, "confirmed")

    async def _photos_dispute(self) -> None:
        taken = self._take_pending("graduation")
        if taken is None:
            return await self._photos_mine()
        s, kind = taken
        answer = await self._as(
            s,
            "photos.dispute",
            "POST",
            f"/api/photos/v1/photos/{s.photos[kind]}/dispute",
            json={"reason": "照片不是我本人"},
        )
        self._answered(s, kind, answer, "disputed")

    def _answered(self, s: Student, kind: str, answer: httpx.Response | None, what: str) -> None:
        if answer is not None and answer.status_code == 200:
            if s.states.get(kind) == "pending":
                self.notes[f"photos {what}"] += 1
            s.states[kind] = answer.json().get("status", what)
            return
        code = None
        if answer is not None and answer.status_code == 409:
            code = answer.json().get("code")
        if code == "under_review":  # the machine check wants a person: the office decides
            self.reviews.append((s.person.college, s.photos[kind]))
        if s.states.get(kind) == "pending":
            self.pending.append((s, kind))  # try again later

    async def _corrections_file(self) -> None:
        fresh = self.rng.sample(self.students, min(20, len(self.students)))
        s = next((s for s in fresh if s.errata == 0 and s.record_id), None)
        if s is None:
            return await self._corrections_mine()
        s.errata += 1
        answer = await self._as(
            s,
            "corrections.file",
            "POST",
            "/api/corrections/v1/errata",
            json={
                "record_id": s.record_id,
                "items": [{"field": "major", "correct_value": "软件工程"}],
                "note": "转专业后未更新",
            },
        )
        if answer is not None and answer.status_code == 201:
            self.notes["errata filed"] += 1
            self._queue(s.person.college, answer.json()["erratum_id"])

    # --- college offices --------------------------------------------------------------------
    def _queue(self, college: str, erratum_id: str) -> None:
        if erratum_id not in self.queued:
            self.queued.add(erratum_id)
            self.queues[college].append(erratum_id)

    async def _office_queue(self) -> None:
        college = self.rng.choice(COLLEGES)
        answer = await self.g.call(
            "office.queue",
            "GET",
            "/api/corrections/v1/errata",
            params={
                "status": "filed",
                "institution_code": self.inst.code,
                "college": college,
                "limit": 50,
            },
            token=self.inst.offices[college],
        )
        if answer is not None and answer.status_code == 200:
            for item in answer.json()["items"]:
                self._queue(college, item["erratum_id"])

    async def _office_approve(self) -> None:
        if self.reviews and self.rng.random() < 0.5:
            college, photo_id = self.reviews.pop(0)
            await self.g.call(
                "office.review",
                "POST",
                f"/api/photos/v1/reviews/{photo_id}/accept",
                token=self.inst.offices[college],
            )
            return
        colleges = [c for c in COLLEGES if self.queues[c]]
        if not colleges:
            return await self._office_queue()
        college = self.rng.choice(colleges)
        erratum_id = self.queues[college].pop(0)
        answer = await self.g.call(
            "office.approve",
            "POST",
            f"/api/corrections/v1/errata/{erratum_id}/approve",
            token=self.inst.offices[college],
        )
        if answer is not None and answer.status_code == 200:
            self.notes["errata approved"] += 1

    async def _office_stats(self) -> None:
        college = self.rng.choice(COLLEGES)
        await self.g.call(
            "office.stats",
            "GET",
            "/api/photos/v1/stats",
            params={"institution_code": self.inst.code, "college": college},
            token=self.inst.offices[college],
        )
