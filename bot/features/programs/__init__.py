"""Mentorship programs: enrolment and pairing, and the weekly loop that carries each pair."""
