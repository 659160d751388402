"""`make soak`: the deadline-day mix through the gateway at a steady rate, for a long time.

``python -m soak`` prepares its own institution (staff, a roster, photos, students), drives
the mix (students logging in, reading records and photos, confirming, disputing, filing
errata; college offices approving) at ``SOAK_RATE`` requests/s for ``SOAK_MINUTES``, while
a roster import and a photo batch run in the background, and reports per slice what the
stack did (latencies per route family, statuses, RSS per process, PostgreSQL connections,
consumer lag, outbox age, DLQ size, log volume) into ``soak-results/``.
"""
