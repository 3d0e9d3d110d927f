"""Writes for governance, one module per subject:

- ``membership``: terms of reference and seats;
- ``meetings``: meetings and their agenda items;
- ``papers``: papers for agenda items (uploads checked, earlier versions kept);
- ``attendance``: the attendance tick-list built from the membership, and single records;
- ``minutes``: declarations of interest and decisions (each tracked as a delivery action);
- ``forward_plan``: items planned for future meetings;
- ``monitoring``: linking the indicators a partnership agreed to monitor to the catalogue.

Every function checks all of its input first (``saferhub.core.checks``) and then writes in one
transaction with an audit row, so bad input changes nothing. A problem names where in words and
the field by its argument's name. The built-in Essex data is loaded by ``governance.essex``, not here.
"""
