"""Change events: the transactional outbox, its relay to JetStream, durable consumers."""

from libs.common.events.bus import Bus
from libs.common.events.consumer import Consumer, Event
from libs.common.events.outbox import Outbox, envelope, subject_for
from libs.common.events.relay import Relay
from libs.common.events.tables import event_tables

__all__ = ["Bus", "Consumer", "Event", "Relay", "Outbox", "envelope", "event_tables", "subject_for"]
