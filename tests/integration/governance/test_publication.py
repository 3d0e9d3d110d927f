"""Publication (issue 14, item 4): what a partnership publishes — meetings with their agendas,
minutes and papers, terms of reference, action plans, risk registers and budgets — anyone may read;
what it keeps to members, and items taken in private, nobody else can reach by any page, document,
PDF, paper download or list."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.cli import main
from saferhub.core.models import AuditEvent, Publication
from saferhub.delivery.models import Action
from saferhub.governance.models import Decision, Paper, TermsOfReference
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    BudgetLineFactory,
    MeetingFactory,
    PartnershipFactory,
    PartnershipRoleFactory,
    RiskFactory,
)
from tests.integration.governance.test_documents import _pdf_text

pytestmark = pytest.mark.django_db

SECRET = "Exempt: the landlord at 14 Acacia Avenue"


@pytest.fixture
def board():
    return PartnershipFactory(slug="pub-board", name="Publishing Board", publishes_performance=False)


@pytest.fixture
def readers(board):
    """A signed-out reader, a member of another partnership, and a viewer of the board."""
    other = PartnershipFactory(slug="pub-other", name="Other Board")
    outsider = PartnershipRoleFactory(partnership=other, role=Role.ADMINISTRATOR).user
    member = PartnershipRoleFactory(partnership=board, role=Role.VIEWER).user
    clients = {"anon": Client(), "outsider": Client(), "member": Client()}
    clients["outsider"].force_login(outsider)
    clients["member"].force_login(member)
    return clients


@pytest.fixture
def published(board):
    """A published meeting with an open item (and its paper) and an item taken in private (with a
    paper and an action agreed), plus a members-only meeting before it."""
    earlier = MeetingFactory(partnership=board, date=dt.date(2024, 1, 10), status="held")
    meeting = MeetingFactory(
        partnership=board, date=dt.date(2024, 3, 6), status="held", publication=Publication.PUBLISHED
    )
    open_item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Town centre ASB", minutes="Noted.")
    private = AgendaItemFactory(
        meeting=meeting,
        order=2,
        number="2",
        title=SECRET,
        minutes="Closure order discussed for the named address.",
        exempt=True,
        exempt_reason="Information relating to an individual (Schedule 12A, paragraph 1)",
    )
    open_paper = Paper.objects.create(item=open_item, title="ASB report", original_name="asb.txt")
    open_paper.file.save("asb.txt", ContentFile(b"open figures"))
    private_paper = Paper.objects.create(item=private, title="Closure order file", original_name="closure.txt")
    private_paper.file.save("closure.txt", ContentFile(b"named person"))
    action = ActionFactory(plan__partnership=board, title="Serve the closure notice", reference="X/1")
    Decision.objects.create(item=private, order=1, text="Serve the closure notice", action=action)
    return {
        "meeting": meeting,
        "earlier": earlier,
        "open_paper": open_paper,
        "private_paper": private_paper,
        "action": action,
    }


def _meeting_urls(meeting) -> list[str]:
    return [
        reverse("governance:meeting", args=[meeting.pk]),
        reverse("governance:document", args=[meeting.pk, "agenda"]),
        reverse("governance:document", args=[meeting.pk, "minutes"]),
    ]


def test_a_published_meeting_is_read_by_anyone_without_what_was_taken_in_private(readers, published):
    for who in ("anon", "outsider"):
        for url in _meeting_urls(published["meeting"]):
            response = readers[who].get(url)
            assert response.status_code == 200, (who, url)
            page = response.content.decode()
            assert "Town centre ASB" in page
            assert SECRET not in page and "Closure order" not in page and "Serve the closure notice" not in page
            assert "Schedule 12A, paragraph 1" in page  # the reason is published, as councils do
            # The members-only meeting before it is not linked.
            assert reverse("governance:meeting", args=[published["earlier"].pk]) not in page
            assert reverse("governance:meeting_history", args=[published["meeting"].pk]) not in page


def test_the_published_pdfs_leave_the_private_item_out(readers, published, tmp_path):
    for kind in ("agenda", "minutes"):
        response = readers["anon"].get(reverse("governance:document_pdf", args=[published["meeting"].pk, kind]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = " ".join(_pdf_text(response.content, tmp_path).split())
        assert "Town centre ASB" in text, kind
        assert "Acacia" not in text and "Closure order" not in text and "closure notice" not in text, kind


def test_members_see_the_private_item_marked_as_not_published(readers, published):
    page = readers["member"].get(reverse("governance:meeting", args=[published["meeting"].pk])).content.decode()
    assert SECRET in page and "Taken in private" in page
    assert reverse("governance:meeting", args=[published["earlier"].pk]) in page


def test_papers_follow_the_meeting_and_the_item(readers, published):
    open_url = reverse("governance:paper", args=[published["open_paper"].pk])
    private_url = reverse("governance:paper", args=[published["private_paper"].pk])
    assert readers["anon"].get(open_url).status_code == 200
    assert readers["outsider"].get(open_url).status_code == 200
    response = readers["anon"].get(private_url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert readers["outsider"].get(private_url).status_code == 403
    assert readers["member"].get(private_url).status_code == 200
    # An earlier version of the private paper is no way round.
    version = Paper.history.filter(id=published["private_paper"].pk).first()
    assert readers["anon"].get(f"{private_url}?version={version.history_id}").status_code == 302


def test_a_members_only_meeting_and_its_documents_are_refused(readers, published):
    pdf = reverse("governance:document_pdf", args=[published["earlier"].pk, "minutes"])
    for url in [*_meeting_urls(published["earlier"]), pdf]:
        assert readers["anon"].get(url).status_code == 302, url
        assert readers["outsider"].get(url).status_code == 403, url
        assert readers["member"].get(url).status_code == 200, url


def test_the_action_agreed_in_private_stays_private(readers, published):
    url = reverse("delivery:action_detail", args=[published["action"].pk])
    assert readers["anon"].get(url).status_code == 302
    assert readers["outsider"].get(url).status_code == 403
    assert "Serve the closure notice" not in readers["anon"].get(reverse("delivery:action_list")).content.decode()


def test_the_partnership_page_shows_the_public_only_what_is_published(board, readers, published):
    url = reverse("governance:partnership", args=[board.slug])
    page = readers["anon"].get(url).content.decode()
    assert "The terms of reference are not published." in page
    assert "6 March 2024" in page and "10 January 2024" not in page
    assert 'id="attendance"' not in page and "Forward plan" not in page and "Information sharing" not in page
    TermsOfReference.objects.create(partnership=board, purpose="To reduce crime.", publication=Publication.PUBLISHED)
    assert "To reduce crime." in readers["anon"].get(url).content.decode()
    member_page = readers["member"].get(url).content.decode()
    assert "10 January 2024" in member_page and 'id="attendance"' in member_page


def test_a_partnership_that_publishes_nothing_is_refused(readers):
    quiet = PartnershipFactory(slug="quiet-board")
    MeetingFactory(partnership=quiet, date=dt.date(2024, 5, 1))
    url = reverse("governance:partnership", args=[quiet.slug])
    assert readers["anon"].get(url).status_code == 302
    assert readers["outsider"].get(url).status_code == 403


@pytest.mark.parametrize("kind", ["action-plan", "risk-register", "budget"])
def test_plans_registers_and_budgets_are_read_once_published(readers, board, kind):
    if kind == "action-plan":
        obj = ActionFactory(plan__partnership=board, title="Light the underpass")
        container, url, listing, text = (
            obj.plan,
            reverse("delivery:action_detail", args=[obj.pk]),
            "/actions/",
            obj.title,
        )
    elif kind == "risk-register":
        obj = RiskFactory(register__partnership=board)
        container, url = obj.register, reverse("risks:register_detail", args=[obj.register.slug])
        listing, text = "/risks/", obj.register.title
    else:
        obj = BudgetLineFactory(table__partnership=board)
        container, url = obj.table, reverse("finance:budget_detail", args=[obj.table.slug])
        listing, text = "/finance/", obj.table.title
    assert container.publication == Publication.MEMBERS  # nothing is public by accident
    assert readers["anon"].get(url).status_code == 302
    assert readers["outsider"].get(url).status_code == 403
    assert text not in readers["anon"].get(listing).content.decode()
    result = CliRunner().invoke(main, ["publish", kind, container.slug])
    assert result.exit_code == 0, result.output
    assert readers["anon"].get(url).status_code == 200
    assert readers["outsider"].get(url).status_code == 200
    assert text in readers["anon"].get(listing).content.decode()
    assert AuditEvent.objects.filter(action="publication.published", object_id=str(container.pk)).exists()
    # Reading is all a published document gives: writing still needs the role.
    if kind == "action-plan":
        response = readers["outsider"].post(reverse("delivery:action_progress", args=[obj.pk]), {"text": "x"})
        assert response.status_code == 403
        assert not Action.objects.get(pk=obj.pk).progress_updates.exists()
    CliRunner().invoke(main, ["publish", kind, container.slug, "--members-only"])
    assert readers["anon"].get(url).status_code == 302


def test_publish_names_what_it_cannot_find():
    result = CliRunner().invoke(main, ["publish", "budget", "no-such-budget"])
    assert result.exit_code != 0 and "There is no budget 'no-such-budget'" in result.output
