from innobridge.matching.text import detect_language, fold, to_script, tokenize


def test_hk_and_simplified_names_fold_the_same():
    assert fold("香港科技大學") == fold("香港科技大学") == "香港科技大学"
    assert tokenize("香港科技大學") == tokenize("香港科技大学")


def test_phrase_level_folding_of_vocabulary():
    assert fold("人工智慧") == "人工智能"
    assert fold("軟體工程") == "软件工程"
    assert "人工智能" in tokenize("人工智慧的應用")


def test_nfkc_and_lowercase():
    assert fold("ＡＩ Ｒｅｓｅａｒｃｈ") == "ai research"
    assert tokenize("The Deep-Learning of proteins") == ["deep", "learning", "proteins"]


def test_stop_words_dropped():
    assert "the" not in tokenize("the theory of the universe")
    assert "的" not in tokenize("机器学习的理论")


def test_detect_language():
    assert detect_language("Machine learning for protein folding") == "en"
    assert detect_language("机器学习在蛋白质折叠中的应用") == "zh-hans"
    assert detect_language("機器學習在蛋白質摺疊中的應用") == "zh-hant"
    assert detect_language("12345 !!!") == "other"
    assert detect_language("Машинное обучение") == "other"


def test_to_script():
    assert to_script("人工智能 香港科技大学", "zh-hant") == "人工智能 香港科技大學"
    assert to_script("香港科技大學", "zh-hans") == "香港科技大学"
    assert to_script("abc", None) == "abc"


def test_embedding_text_folds_chinese_only():
    from innobridge.matching.text import embedding_text

    assert embedding_text("人工智慧與軟體") == embedding_text("人工智能与软件") == "人工智能与软件"
    assert embedding_text("Deep  Learning") == "Deep  Learning"  # English untouched (case kept)


def test_sentences_respect_abbreviations_and_chinese_stops():
    from innobridge.matching.text import sentences

    en = (
        "Deep learning for proteins. We propose a method, e.g. for folding (Fig. 3). "
        "Accuracy rises by 3.5 % over Smith et al. in 2020."
    )
    assert sentences(en) == [
        "Deep learning for proteins.",
        "We propose a method, e.g. for folding (Fig. 3).",
        "Accuracy rises by 3.5 % over Smith et al. in 2020.",
    ]
    zh = "本文研究蛋白質結構預測。我們提出一種深度學習方法！實驗結果顯示準確率提高？"
    assert sentences(zh) == [
        "本文研究蛋白質結構預測。",
        "我們提出一種深度學習方法！",
        "實驗結果顯示準確率提高？",
    ]


def test_sentences_keep_every_character_and_join_fragments():
    from innobridge.matching.text import sentences

    text = "Graph neural networks for molecules. Yes. They work well on proteins."
    parts = sentences(text)
    assert parts == ["Graph neural networks for molecules. Yes.", "They work well on proteins."]
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
    assert sentences("量子計算。好。") == ["量子計算。好。"]  # nothing long enough: one unit
    assert sentences("no boundary here") == ["no boundary here"]
    assert sentences("   ") == []
