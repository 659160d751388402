"""The relay places records in partitions itself: it must agree with Kafka's default
partitioner (aiokafka's and the Java client's murmur2) for every key, or one key's events
would be split across partitions and lose their order."""

from __future__ import annotations

import uuid

from aiokafka.partitioner import DefaultPartitioner, murmur2
from hypothesis import given
from hypothesis import strategies as st
from jiaodui_runtime.kafka import murmur2_many, partitions_of


@given(st.lists(st.binary(max_size=80), max_size=60))
def test_the_hash_of_many_keys_is_kafkas_murmur2(keys: list[bytes]) -> None:
    assert murmur2_many(keys) == [murmur2(k) for k in keys]


def test_known_values_of_the_java_client() -> None:
    # org.apache.kafka.common.utils.UtilsTest#testMurmur2 (as unsigned 32-bit values)
    cases = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536}
    assert murmur2_many(list(cases)) == [v & 0xFFFFFFFF for v in cases.values()]


def test_partitions_are_those_of_the_default_partitioner() -> None:
    keys = [str(uuid.uuid4()).encode() for _ in range(500)] + [b"x", b"", b"abc"]
    partitions = [0, 1, 2, 3, 4, 5]
    expected = [DefaultPartitioner()(k, partitions, partitions) for k in keys]
    assert partitions_of(keys, partitions) == expected
