import pytest

from innobridge.core.language import display_chinese, fold, script_for_language


def test_traditional_and_simplified_fold_to_the_same_text():
    assert fold("香港科技大學") == fold("香港科技大学")
    assert fold("ＨＫＵＳＴ") == fold("hkust")


@pytest.mark.parametrize(
    ("code", "script"),
    [("zh-hant", "zh-hant"), ("zh-hk", "zh-hant"), ("zh-hans", "zh-hans"), ("en", None)],
)
def test_script_for_language(code, script):
    assert script_for_language(code) == script


def test_chinese_is_shown_in_the_script_of_the_ui():
    assert display_chinese("香港科技大学", "zh-hant") == "香港科技大學"
    assert display_chinese("香港科技大學", "zh-hans") == "香港科技大学"
    assert display_chinese("香港科技大學", "en") == "香港科技大學"


def test_name_in_language_follows_the_ui() -> None:
    from innobridge.core.language import name_in_language

    assert name_in_language("Tsinghua University", "清华大学", "en") == "Tsinghua University"
    assert name_in_language("Tsinghua University", "清华大学", "zh-hant") == "清華大學"
    assert name_in_language("Tsinghua University", "清华大学", "zh-hans") == "清华大学"
    assert name_in_language("HKUST", "", "zh-hant") == "HKUST"  # no Chinese name
