"""Finding the goods' code in Chinese: goods names, Chinese descriptions, the firm's own history first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone, translation

from declarations import selectors
from declarations.models import Declaration, GoodsLine
from singlewindow.models import Organisation, User
from singlewindow.views import CLIENT_SESSION_KEY
from tests import factories

pytestmark = pytest.mark.usefixtures("db")


def codes(query: str, **kwargs: object) -> list[str]:
    return [m.code for m in selectors.hs_search(query=query, **kwargs)]  # type: ignore[arg-type]


def declared(user: User, name: str, hs_code: str) -> Declaration:
    """A declaration the user's firm submitted with one goods line of this name and code."""
    declaration = factories.valid_draft(user, lines=1, documents=False)
    GoodsLine.objects.filter(declaration=declaration).update(name=name, hs_code=hs_code)
    Declaration.objects.filter(pk=declaration.pk).update(submitted_at=timezone.now())
    return declaration


def test_computer_finds_the_computers_of_8471_first() -> None:
    found = codes("电脑")
    assert found[:3] == ["847130", "847141", "847149"]


def test_coffee_finds_the_coffees_of_0901() -> None:
    assert codes("咖啡")[:5] == ["090111", "090112", "090121", "090122", "090190"]


def test_lcd_monitor_finds_852852_first() -> None:
    assert codes("液晶显示器")[0] == "852852"


def test_digits_and_english_words_still_find_subheadings() -> None:
    assert codes("8471.30") == ["847130"]
    assert "010121" in codes("horses pure-bred")


def test_chinese_descriptions_in_chinese_english_in_english() -> None:
    first = selectors.hs_search(query="847130")[0]
    assert "笔记本电脑" in first.label
    with translation.override("en"):
        assert selectors.hs_search(query="847130")[0].label.startswith("Automatic data processing machines")


def test_a_subheading_without_chinese_shows_its_headings_chinese() -> None:
    label = selectors.hs_search(query="090411")[0].label  # pepper: the heading has Chinese, the subheading not
    assert label.startswith("胡椒") and "Spices; pepper" in label


def test_the_page_shows_headings_and_chapters_as_context() -> None:
    found = codes("咖啡", context=True)
    assert found[:2] == ["0901", "090111"]
    assert "09" in found


def test_the_firms_own_goods_name_comes_first_with_the_code_it_used(user_a: User) -> None:
    declared(user_a, "蓝山咖啡豆", "0901210010")
    first = selectors.hs_search(query="咖啡", user=user_a)[0]
    assert (first.declared, first.code) == ("蓝山咖啡豆", "0901210010")
    assert "已焙炒" in first.label
    assert selectors.hs_search(query="090121", user=user_a)[0].declared == "蓝山咖啡豆"


def test_another_firms_goods_names_never_appear(user_a: User, user_b: User) -> None:
    declared(user_b, "蓝山咖啡豆礼盒", "2101110000")
    found = selectors.hs_search(query="咖啡", user=user_a)
    assert not [m for m in found if m.declared]
    assert "2101110000" not in [m.code for m in found]


def test_a_draft_never_submitted_is_not_history(user_a: User) -> None:
    draft = factories.valid_draft(user_a, lines=1, documents=False)
    GoodsLine.objects.filter(declaration=draft).update(name="蓝山咖啡豆")
    assert not [m for m in selectors.hs_search(query="咖啡", user=user_a) if m.declared]


def test_a_broker_sees_the_history_of_the_client_it_works_for_only(user_a: User) -> None:
    client_org: Organisation = user_a.organisation  # type: ignore[assignment]
    declared(user_a, "蓝山咖啡豆", "0901210010")
    broker = factories.broker(client_org)
    assert selectors.hs_search(query="咖啡", user=broker, client_id=client_org.pk)[0].declared == "蓝山咖啡豆"
    assert not [m for m in selectors.hs_search(query="咖啡", user=broker) if m.declared]
    stranger = factories.enterprise()
    assert not [m for m in selectors.hs_search(query="咖啡", user=broker, client_id=stranger.pk) if m.declared]


def test_an_officer_has_no_history() -> None:
    officer = factories.officer()
    assert not [m for m in selectors.hs_search(query="电脑", user=officer) if m.declared]


# The pages ------------------------------------------------------------------------------------


def test_suggestions_for_a_chinese_goods_name_offer_codes_labelled_in_chinese(client_a: Client) -> None:
    page = client_a.get("/declarations/hs/suggest/", {"field": "line.hs_code", "lines-0-hs_code": "咖啡"})
    html = page.content.decode()
    assert 'value="090111"' in html and "未焙炒" in html
    assert "咖啡" not in html.split('value="')[1].split('"')[0]  # the value is the code, not what was typed


def test_suggestions_keep_the_national_digits_typed(client_a: Client) -> None:
    html = client_a.get("/declarations/hs/suggest/", {"field": "line.hs_code", "lines-0-hs_code": "84713000"}).content
    assert 'value="84713000"' in html.decode()


def test_suggestions_in_english_are_labelled_in_english(client_a: Client) -> None:
    client_a.cookies["django_language"] = "en"
    html = client_a.get(
        "/declarations/hs/suggest/", {"field": "line.hs_code", "lines-0-hs_code": "咖啡"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'value="090111"' in html and "Coffee; not roasted or decaffeinated" in html
    assert "未焙炒" not in html


def test_suggestions_put_the_firms_history_first(client_a: Client, user_a: User, user_b: User) -> None:
    declared(user_a, "蓝山咖啡豆", "0901210010")
    declared(user_b, "猫屎咖啡", "0901110090")
    html = client_a.get("/declarations/hs/suggest/", {"field": "line.hs_code", "lines-0-hs_code": "咖啡"}).content
    text = html.decode()
    assert text.index('value="0901210010"') < text.index('value="090111"')
    assert "蓝山咖啡豆" in text.split("</option>")[0]  # the firm's own goods name, on the first option
    assert "猫屎咖啡" not in text


def test_the_hint_names_a_full_code_in_chinese(client_a: Client) -> None:
    html = client_a.get("/declarations/hs/suggest/", {"field": "line.hs_code", "lines-0-hs_code": "8528521000"})
    assert "液晶显示器" in html.content.decode()


def test_the_hs_page_finds_a_chinese_goods_name(client_a: Client) -> None:
    html = client_a.get("/declarations/hs/", {"q": "液晶显示器"}).content.decode()
    assert "852852" in html and "液晶显示器" in html


def test_the_hs_page_lists_sections_and_chapters_in_chinese(client_a: Client) -> None:
    html = client_a.get("/declarations/hs/").content.decode()
    assert "活动物；动物产品" in html and "核反应堆、锅炉、机器、机械器具及其零件" in html


def test_the_hs_page_in_english(client_a: Client) -> None:
    client_a.cookies["django_language"] = "en"
    html = client_a.get("/declarations/hs/", {"q": "847130"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Automatic data processing machines" in html
    assert "笔记本电脑" not in html


def test_the_hs_page_shows_the_brokers_client_history_when_chosen(user_a: User) -> None:
    declared(user_a, "蓝山咖啡豆", "0901210010")
    broker = factories.broker(user_a.organisation)  # type: ignore[arg-type]
    client = Client()
    client.force_login(broker)
    assert "蓝山咖啡豆" not in client.get("/declarations/hs/", {"q": "咖啡"}).content.decode()
    session = client.session
    session[CLIENT_SESSION_KEY] = user_a.organisation.pk  # type: ignore[union-attr]
    session.save()
    assert "蓝山咖啡豆" in client.get("/declarations/hs/", {"q": "咖啡"}).content.decode()
