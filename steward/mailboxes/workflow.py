"""What may become of a quarantined message: an administrator retries or discards it."""

from __future__ import annotations

from steward.core.workflow import Transition, Workflow
from steward.mailboxes.choices import MessageStatus

_S = MessageStatus
_OUTCOMES = (_S.CREATED, _S.COMMENTED, _S.IGNORED, _S.REJECTED, _S.QUARANTINED)

MESSAGE_FLOW = Workflow(
    states=tuple(MessageStatus.values),
    transitions=[
        *(Transition(_S.RECEIVED, target) for target in _OUTCOMES),
        # a retry runs the message through ingestion again: any outcome, or back here
        *(Transition(_S.QUARANTINED, target, label="Retry") for target in _OUTCOMES),
        Transition(_S.QUARANTINED, _S.DISCARDED, label="Discard"),
    ],
)
