from django.urls import path

from saferhub.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings.ics", views.calendar, name="calendar"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/history/", views.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/<str:kind>/", views.meeting_document, name="document"),
    path("meetings/<int:pk>/<str:kind>.pdf", views.meeting_document_download, name="document_pdf"),
    path("meetings/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("meetings/<int:pk>/items/<int:item_pk>/papers/add/", views.paper_add, name="paper_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/declarations/add/", views.declaration_add, name="declaration_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/actions/add/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/attendance/add/", views.attendance_add, name="attendance_add"),
    path("meetings/<int:pk>/attendance/from-seats/", views.attendance_from_seats, name="attendance_from_seats"),
    path("meetings/<int:pk>/attendance/<int:attendance_pk>/edit/", views.attendance_edit, name="attendance_edit"),
    path("papers/<int:pk>/", views.paper_download, name="paper"),
    path("papers/<int:pk>/replace/", views.paper_replace, name="paper_replace"),
    path("<slug:slug>/", views.partnership, name="partnership"),
    path("<slug:slug>/meetings.ics", views.calendar, name="partnership_calendar"),
    path("<slug:slug>/terms/edit/", views.terms_edit, name="terms_edit"),
    path("<slug:slug>/seats/add/", views.seat_add, name="seat_add"),
    path("<slug:slug>/seats/<int:seat_pk>/edit/", views.seat_edit, name="seat_edit"),
    path("<slug:slug>/meetings/add/", views.meeting_add, name="meeting_add"),
    path("<slug:slug>/forward-plan/", views.forward_plan, name="forward_plan"),
    path("<slug:slug>/forward-plan/add/", views.forward_plan_add, name="forward_plan_add"),
    path("<slug:slug>/forward-plan/<int:item_pk>/schedule/", views.forward_plan_schedule, name="forward_plan_schedule"),
    path("<slug:slug>/forward-plan/<int:item_pk>/withdraw/", views.forward_plan_withdraw, name="forward_plan_withdraw"),
]
