"""The dialog engine: session state, pure turn functions, response rendering."""
from framework.engine.render import render
from framework.engine.results import ActionCall, ActionResult, Event, Reply, TurnResult
from framework.engine.state import Frame, SessionState, SessionStateError, Turn, new
from framework.engine.turn import handle_action_result, handle_message, threshold

__all__ = [
    "ActionCall", "ActionResult", "Event", "Frame", "Reply", "SessionState", "SessionStateError",
    "Turn", "TurnResult", "handle_action_result", "handle_message", "new", "render", "threshold",
]
