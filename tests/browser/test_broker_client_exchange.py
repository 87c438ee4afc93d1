"""A customs broker and its client agree on a draft in two browsers: the broker prepares and sends
it, the client reads it and comments on the gross weight, the broker corrects and sends again, the
client sees exactly what changed and approves, and the broker submits.

Each party has its own browser context (its own session). What they see is checked in the Chinese
the portal speaks by default; the review section's controls are found by their ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from declarations.models import Declaration
from singlewindow.models import User
from tests import factories

from .test_clerk_declares import log_in

pytestmark = pytest.mark.browser

COMMENT = "毛重应为2460.5千克，请按舱单更正"


@pytest.fixture
def client_page(browser: Browser) -> Iterator[Page]:
    """The client's own browser, beside the broker's (the `page` fixture)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def brokered_draft() -> tuple[User, User, Declaration]:
    """A client enterprise's clerk, its broker (a delegation that allows submitting), and a complete
    draft of the client's that the broker prepares."""
    clerk = factories.clerk()
    broker = factories.broker(clerk.organisation, may_submit=True)
    draft = factories.valid_draft(clerk)
    draft.prepared_by = broker.organisation
    draft.save()
    return clerk, broker, draft


def open_as(page: Page, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, user)


def test_broker_prepares_client_comments_broker_revises_client_approves_broker_submits(
    live_server: LiveServer, page: Page, client_page: Page, brokered_draft: tuple[User, User, Declaration]
) -> None:
    clerk, broker, draft = brokered_draft
    detail = f"{live_server.url}/declarations/{draft.pk}/"
    edit = f"{detail}edit/"
    review = page.locator("#review")

    # 1. The broker opens the draft: it is not under review yet; the broker sends it to the client.
    open_as(page, live_server, broker)
    page.goto(detail)
    expect(review.get_by_role("heading", name="报关企业与委托企业之间的审核")).to_be_visible()
    expect(page.locator("#review-state")).to_have_text("未在审核中")
    expect(page.locator("#send-review")).to_have_text("发给委托企业审核")
    page.locator("#send-review").click()
    expect(page.locator(".messages")).to_contain_text("第 1 稿已发送。")
    expect(page.locator("#review-state")).to_have_text("已发委托企业审核")

    # 2. The client logs in, sees one unread notification, and follows it to the draft.
    open_as(client_page, live_server, clerk)
    expect(client_page.locator("header #unread-count")).to_have_text("1")
    client_page.locator("header").get_by_role("link", name=re.compile("通知")).click()
    notification = client_page.locator("#notifications li.unread")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text(f"将申报单 #{draft.pk} 发给您审核")
    notification.get_by_role("button").click()
    expect(client_page).to_have_url(detail)
    expect(client_page.locator("header #unread-count")).to_have_count(0)
    expect(client_page.locator("#review")).to_contain_text("等待您处理。")
    expect(client_page.locator("#field-gross_weight dd")).to_have_text("2450.5")

    # 3. The client comments on the gross weight; the comment sits next to that field.
    client_page.locator("#comment-field").select_option("gross_weight")
    client_page.locator("#comment-text").fill(COMMENT)
    client_page.locator("#comment-form").get_by_role("button", name="添加意见").click()
    expect(client_page.locator(".messages")).to_contain_text("意见已添加。")
    expect(client_page.locator("#field-gross_weight .comment-list")).to_contain_text(COMMENT)

    # 4. The broker reads the comment on the draft, corrects the gross weight, and sends it again.
    page.goto(detail)
    expect(page.locator("#field-gross_weight .comment-list")).to_contain_text(COMMENT)
    page.goto(edit)
    page.locator("#id_gross_weight").fill("2460.5")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("草稿已保存。")
    page.goto(detail)
    expect(page.locator("#review-pending")).to_contain_text("2460.5")  # changed since the client saw it
    page.locator("#send-review").click()
    expect(page.locator(".messages")).to_contain_text("第 2 稿已发送。")

    # 5. The client sees exactly one change, the gross weight before and after, and approves.
    client_page.goto(detail)
    changes = client_page.locator("#review-changes tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.locator("td").first).to_have_text("毛重(千克)")
    expect(changes.locator("td.before")).to_have_text("2450.5")
    expect(changes.locator("td.after")).to_have_text("2460.5")
    client_page.locator("#approve").click()
    expect(client_page.locator(".messages")).to_contain_text("已确认。您的报关企业现在可以提交此申报单。")
    expect(client_page.locator("#review-state")).to_have_text("委托企业已确认")
    expect(client_page.locator("#approve")).to_have_count(0)

    # 6. The broker submits from the edit page: a pre-entry number, and the status is submitted.
    page.goto(edit)
    submit = page.locator("button#submit[name=action][value=submit]")
    expect(submit).to_have_text("向监管部门申报")
    submit.click()
    expect(page).to_have_url(detail)
    expect(page.locator(".messages")).to_contain_text("已申报。预录入编号")
    expect(page.locator("h1")).to_have_text(re.compile(r"^\d{18}$"))
    expect(page.locator("#status-badge")).to_have_text("已申报")
    draft.refresh_from_db()
    assert draft.status == "submitted" and page.locator("h1").inner_text() == draft.pre_entry_no
    assert draft.versions.get().payload["header"]["gross_weight"] == "2460.5"  # what was approved went out
