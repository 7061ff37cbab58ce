#!/usr/bin/env python3
"""Fine-tune the intent classifier of a domain: `python train.py domains/telecom_zh`.

Same as `python -m framework train`; run with --help for every option."""
import sys

from framework.nlu.train import main

if __name__ == "__main__":
    sys.exit(main())
