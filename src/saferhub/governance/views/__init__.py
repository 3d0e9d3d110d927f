"""Governance pages: ``pages`` reads (structure, partnership, meeting, documents, calendar),
``edits`` holds the secretariat's forms, ``attendance`` the attendance tick-list. Views parse
input, ask the access door, call one service or selector and render. Reading needs the viewer role
in the partnership; changing needs the administrator role (the partnership's secretariat)."""
