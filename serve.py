#!/usr/bin/env python3
"""Serve a domain over HTTP: `python serve.py domains/telecom_zh`.

Same as `python -m framework serve`; run with --help for every option."""
import sys

from framework.server.command import main

if __name__ == "__main__":
    sys.exit(main())
