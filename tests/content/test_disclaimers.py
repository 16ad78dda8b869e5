"""The disclaimer policy: every id and channel checked, one clear line per problem."""

from __future__ import annotations

import pytest
from conftest import SOURCE

from channels.content.disclaimers import load_policy
from channels.errors import InputError
from channels.registry import names


def test_a_channel_name_in_the_policy_is_one_clear_error(tmp_path):
    policy = tmp_path / "disclaimers.yaml"
    policy.write_text((SOURCE / "disclaimers.yaml").read_text().replace(
        "email: [not-medical-advice]", "email: [not-medical-advice, web]", 1))
    with pytest.raises(InputError) as refused:
        load_policy(policy, names())
    assert "unknown id 'web' in 'policy.always.email'" in str(refused.value)
