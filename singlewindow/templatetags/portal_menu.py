"""The header menu of base.html: `{% menu_entries as entries %}` gives the signed-in user's links, as
singlewindow/menu.py decides them."""

from typing import Any

from django import template

from singlewindow import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_entries(context: dict[str, Any]) -> list[menu.Entry]:
    user = context["user"]
    if not user.is_authenticated:
        return []
    return menu.menu_entries(user, broker_has_clients=bool(context.get("broker_clients")))
