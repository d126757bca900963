"""The applicant's "who viewed your file" rows are in the reader's language: the register
stores stable English labels, the page translates them."""

from __future__ import annotations

from django.utils import translation

from innobridge.exchange.selectors import view_item_label, view_role_label


def test_items_and_roles_in_the_readers_language() -> None:
    with translation.override("zh-hant"):
        assert view_item_label("application file") == "申請檔案"
        assert view_item_label("document: cv") == "文件：簡歷"
        assert view_item_label("reference letter 12") == "推薦信 12"
        assert view_role_label("supervisor") == "合作導師"
        assert view_role_label("someone") == "其他"
    with translation.override("zh-hans"):
        assert view_item_label("application file (API)") == "申请档案（API）"
    with translation.override("en"):
        assert view_item_label("document: plan") == "document: Research plan"
        assert view_role_label("officer") == "programme officer"
