"""Converting a Rasa 3.x project into a dialogframe domain (`dialog import-rasa`).

located.py reads Rasa's YAML keeping lines and collects what is not converted; domain.py
converts the domain, NLU data and config; stories.py forms, rules and stories; calm.py
Rasa Pro's CALM flows; command.py puts them together, writes and validates. The NLU data is
read by framework.nlu.rasa_import (examples, entities, synonyms). Torch-free.
"""
