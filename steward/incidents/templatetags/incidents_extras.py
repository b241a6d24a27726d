from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``{{ colours|get_item:incident.priority }}``"""
    return mapping.get(key, "")
