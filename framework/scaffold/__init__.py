"""`dialog init NAME --language zh|en`: a new assistant to start from.

    command.py       the command: checks the name and the target folder, writes the files
    templates_en.py  the English assistant (domain.yml, flows/, tests/, README.md)
    templates_zh.py  the Chinese one (肯定/否定 for its confirmation, 其他 for out of scope)

The templates are Python strings rather than data files so that an installed package always
has them. Each is a complete assistant: it validates without warnings, trains, passes its own
conversation tests and converses; its comments teach the format.
"""
