"""Slot types: parse and validate a value, and find typed values inside an utterance. Pure."""
from framework.slots.entities import GENERIC_EXTRACTORS, extract_entities
from framework.slots.identity import id_check_char
from framework.slots.values import ParseResult, parse_value, yes_no

__all__ = ["GENERIC_EXTRACTORS", "ParseResult", "extract_entities", "id_check_char", "parse_value", "yes_no"]
