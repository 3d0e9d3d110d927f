from django.urls import path

from saferhub.governance.views import attendance, edits, pages

app_name = "governance"

urlpatterns = [
    path("", pages.index, name="index"),
    path("meetings.ics", pages.calendar, name="calendar"),
    path("meetings/<int:pk>/", pages.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", edits.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/history/", pages.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/attendance/", attendance.attendance_sheet, name="attendance"),
    path("meetings/<int:pk>/attendance/add/", attendance.attendance_add, name="attendance_add"),
    path("meetings/<int:pk>/attendance/<int:attendance_pk>/edit/", attendance.attendance_edit, name="attendance_edit"),
    path("meetings/<int:pk>/<str:kind>/", pages.meeting_document, name="document"),
    path("meetings/<int:pk>/<str:kind>.pdf", pages.meeting_document_download, name="document_pdf"),
    path("meetings/<int:pk>/items/add/", edits.item_add, name="item_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/edit/", edits.item_edit, name="item_edit"),
    path("meetings/<int:pk>/items/<int:item_pk>/papers/add/", edits.paper_add, name="paper_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/declarations/add/", edits.declaration_add, name="declaration_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/actions/add/", edits.decision_add, name="decision_add"),
    path("papers/<int:pk>/", pages.paper_download, name="paper"),
    path("papers/<int:pk>/replace/", edits.paper_replace, name="paper_replace"),
    path("<slug:slug>/", pages.partnership, name="partnership"),
    path("<slug:slug>/meetings.ics", pages.calendar, name="partnership_calendar"),
    path("<slug:slug>/terms/edit/", edits.terms_edit, name="terms_edit"),
    path("<slug:slug>/seats/add/", edits.seat_add, name="seat_add"),
    path("<slug:slug>/seats/<int:seat_pk>/edit/", edits.seat_edit, name="seat_edit"),
    path("<slug:slug>/meetings/add/", edits.meeting_add, name="meeting_add"),
    path("<slug:slug>/forward-plan/", pages.forward_plan, name="forward_plan"),
    path("<slug:slug>/forward-plan/add/", edits.forward_plan_add, name="forward_plan_add"),
    path("<slug:slug>/forward-plan/<int:item_pk>/schedule/", edits.forward_plan_schedule, name="forward_plan_schedule"),
    path("<slug:slug>/forward-plan/<int:item_pk>/withdraw/", edits.forward_plan_withdraw, name="forward_plan_withdraw"),
]
