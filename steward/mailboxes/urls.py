from django.urls import path

from steward.mailboxes.selectors.messages import INCIDENT, REQUEST
from steward.mailboxes.views import mailboxes, messages

app_name = "mailboxes"
urlpatterns = [
    path("", mailboxes.mailbox_list, name="list"),
    path("new/", mailboxes.mailbox_new, name="new"),
    path("messages/", messages.message_list, name="messages"),
    path("messages/<int:pk>/", messages.message_detail, name="message_detail"),
    path("messages/<int:pk>/raw/", messages.message_raw, name="message_raw"),
    path("messages/<int:pk>/retry/", messages.message_retry, name="message_retry"),
    path("messages/<int:pk>/release/", messages.message_release, name="message_release"),
    path("messages/<int:pk>/discard/", messages.message_discard, name="message_discard"),
    path("by-comment/<int:comment_id>/", messages.comment_mail, name="comment_mail"),
    path("by-comment/<int:comment_id>/raw/", messages.comment_mail_raw, name="comment_mail_raw"),
    # the mail that opened a record (the page links it for agents who may see the record)
    path(
        "opened/incident/<str:number>/",
        messages.opening_mail,
        {"kind": INCIDENT},
        name="opened_incident",
    ),
    path(
        "opened/incident/<str:number>/raw/",
        messages.opening_mail_raw,
        {"kind": INCIDENT},
        name="opened_incident_raw",
    ),
    path(
        "opened/request/<str:number>/",
        messages.opening_mail,
        {"kind": REQUEST},
        name="opened_request",
    ),
    path(
        "opened/request/<str:number>/raw/",
        messages.opening_mail_raw,
        {"kind": REQUEST},
        name="opened_request_raw",
    ),
    path("<slug:slug>/", mailboxes.mailbox_detail, name="detail"),
    path("<slug:slug>/edit/", mailboxes.mailbox_edit, name="edit"),
    path("<slug:slug>/test/", mailboxes.mailbox_test, name="test"),
]
