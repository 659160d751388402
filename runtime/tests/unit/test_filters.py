import pytest
from jiaodui_runtime.filters import where


def test_only_the_given_filters_become_conditions_numbered_in_turn() -> None:
    w = where({"institution_code = $?": "10001", "branch = $?": None, "class_name = $?": "1401"})
    assert w.sql == "(institution_code = $1) AND (class_name = $2)"
    assert w.args == ("10001", "1401")
    assert w.next_param == 3 and w.param() == "$3" and w.param(1) == "$4"


def test_a_value_used_twice_keeps_one_number_and_numbering_can_start_later() -> None:
    w = where({"starts_with(name, $?) OR starts_with(number, $?)": "张"}, first_param=3)
    assert w.sql == "(starts_with(name, $3) OR starts_with(number, $3))"
    assert w.args == ("张",) and w.next_param == 4


def test_no_filter_is_true_and_a_condition_needs_its_placeholder() -> None:
    assert where({"branch = $?": None}).sql == "true"
    assert where({}).args == ()
    with pytest.raises(ValueError, match=r"without \$\?"):
        where({"branch = 1": "x"})
