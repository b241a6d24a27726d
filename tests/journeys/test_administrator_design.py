"""The administrator designs the desk's records (admin: Ada Admin): a CI class with its own
attributes, each cell of the attribute table named for a screen reader (the defect: six
unlabelled inputs a row, axe-core's critical "Form elements must have labels")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, sign_in

pytestmark = [pytest.mark.browser]


def test_administrator_designs_a_ci_class_with_its_own_attributes(page):
    sign_in(page, "admin")
    open_module(page, "CMDB")
    page.get_by_role("main").get_by_role("link", name="Classes", exact=True).click()
    heading(page, "CI classes")
    page.get_by_role("link", name="New class").click()
    heading(page, "New CI class")
    page.get_by_label("Name", exact=True).fill("Badge reader")
    page.get_by_label("Slug").fill("badge_reader")
    schema = page.get_by_role("group", name=re.compile("Own attributes"))
    # every cell is named by its row and column, as a screen reader announces it
    schema.get_by_label("Name of attribute 1").fill("door")
    schema.get_by_label("Type of attribute 1").select_option(label="Text")
    schema.get_by_label("Required, attribute 1").check()
    schema.get_by_label("Label of attribute 1").fill("Door")
    schema.get_by_label("Name of attribute 2").fill("zone")
    schema.get_by_label("Type of attribute 2").select_option(label="One of a list")
    schema.get_by_label("Choices of attribute 2").fill("lobby, server room")
    schema.get_by_label("Name of attribute 3").fill("controller")
    schema.get_by_label("Type of attribute 3").select_option(label="Another CI")
    schema.get_by_label("Class attribute 3 refers to").select_option(label="Server")
    page.get_by_label("Parent").select_option(label="—")
    page.get_by_label("Description").fill("Door badge readers on the access system.")
    page.get_by_label("Identification keys").fill("door")
    page.get_by_label("Active").uncheck()  # a class made inactive, then not
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Create class").click()
    heading(page, "Class Badge reader")
    no_error_on_page(page)
    expect(schema.get_by_label("Name of attribute 1")).to_have_value("door")
    expect(schema.get_by_label("Choices of attribute 2")).to_have_value("lobby, server room")
    expect(schema.get_by_label("Class attribute 3 refers to")).to_have_value("server")

    # editing: every cell still named, the rows saved as typed
    page.get_by_label("Name", exact=True).fill("Door badge reader")
    page.get_by_label("Slug").fill("badge_reader")
    page.get_by_label("Parent").select_option(label="—")
    page.get_by_label("Description").fill("Badge readers at every door.")
    page.get_by_label("Identification keys").fill("door_name")
    page.get_by_label("Active").uncheck()
    page.get_by_label("Active").check()
    schema.get_by_label("Name of attribute 1").fill("door_name")
    schema.get_by_label("Type of attribute 1").select_option(label="Text")
    schema.get_by_label("Required, attribute 1").uncheck()
    schema.get_by_label("Label of attribute 1").fill("Door name")
    schema.get_by_label("Choices of attribute 2").fill("lobby, server room, garage")
    schema.get_by_label("Class attribute 3 refers to").select_option(label="Server")
    page.get_by_role("button", name="Save class").click()
    heading(page, "Class Door badge reader")
    no_error_on_page(page)
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(schema.get_by_label("Label of attribute 1")).to_have_value("Door name")
    expect(schema.get_by_label("Choices of attribute 2")).to_have_value(
        "lobby, server room, garage"
    )
