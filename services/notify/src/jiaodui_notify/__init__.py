"""jiaodui notify service: mail and SMS for the students, a delivery log, an inbox.

Flow: the consumer turns a private command (``notify.requests``) or a public event
into a notice (``domain.notices``), renders it (``adapters.templates``), and writes
a pending delivery (its content sealed) plus a redacted inbox copy in the inbox
transaction (``service_layer.notices``). The background sender (``jobs``), woken by
NOTIFY at commit, claims due deliveries with SKIP LOCKED, sends them through a
channel (``adapters.channels``), and records sent / retry / failed together with
NotificationSent or NotificationFailed in the outbox (``service_layer.sending``).
"""
