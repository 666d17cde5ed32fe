"""Competition ranking: ties share a rank, the next rank skips, None stays unranked."""

from __future__ import annotations

from govsite.evaluate.ranking import competition_ranks, rank_zh


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    assert competition_ranks([90, 85, 85, 80]) == [1, 2, 2, 4]


def test_ranks_follow_the_input_order_not_the_sorted_order() -> None:
    assert competition_ranks([70, 95, 80, 95]) == [4, 1, 3, 1]


def test_scores_equal_after_rounding_to_two_decimals_tie() -> None:
    # 85.004 and 84.996 both print as 85.00, so a reader sees a tie.
    assert competition_ranks([85.004, 84.996, 70.0]) == [1, 1, 3]
    # 85.006 prints as 85.01: no tie.
    assert competition_ranks([85.004, 85.006]) == [2, 1]


def test_none_stays_unranked_and_takes_no_place() -> None:
    assert competition_ranks([None, 50.0, None, 60.0]) == [None, 2, None, 1]
    assert competition_ranks([]) == []


def test_rank_zh_marks_ties() -> None:
    ranks = competition_ranks([90, 85, 85, 80])
    assert [rank_zh(r, ranks) for r in ranks] == ["第1名", "并列第2名", "并列第2名", "第4名"]
    assert rank_zh(None, ranks) == "未排名"
