"""Reads adpulse's topics as a downstream team would: confluent-kafka's
DeserializingConsumer with its AvroDeserializer, the schemas resolved through
SchemaRegistryClient at adpulse's base URL. No adpulse code is involved.

Prints JSON lines on stdout: first what the registry client lists
({"kind": "registry", ...}), then one {"kind": "record", ...} per record read.
Exits 1 when fewer records than asked arrive before the deadline.

  decode_topics.py --registry http://host:port --brokers host:port --group g \
      --topic adpulse.signals.v1:2 [--topic adpulse.events.v1:10] [--timeout-seconds 60]
"""

import argparse
import json
import math
import sys
import time

from confluent_kafka import DeserializingConsumer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import StringDeserializer


def finite(value):
    """JSON has no NaN or infinity (a signal's unused threshold is NaN): they travel as strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def emit(line):
    print(json.dumps(finite(line), allow_nan=False), flush=True)


def describe_registry(registry):
    subjects = registry.get_subjects()
    versions = {s: registry.get_versions(s) for s in subjects}
    latest = {}
    for s in subjects:
        registered = registry.get_latest_version(s)
        latest[s] = {"version": registered.version, "id": registered.schema_id}
    first = {s: registry.get_version(s, 1).schema_id for s in subjects}
    emit({"kind": "registry", "subjects": subjects, "versions": versions, "latest": latest, "first": first})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry", required=True)
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--topic", action="append", required=True, help="topic:count")
    parser.add_argument("--timeout-seconds", type=float, default=60)
    args = parser.parse_args()
    wanted = {}
    for spec in args.topic:
        topic, _, count = spec.rpartition(":")
        wanted[topic] = int(count)

    registry = SchemaRegistryClient({"url": args.registry})
    describe_registry(registry)
    consumer = DeserializingConsumer(
        {
            "bootstrap.servers": args.brokers,
            "group.id": args.group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "key.deserializer": StringDeserializer("utf_8"),
            "value.deserializer": AvroDeserializer(registry),
        }
    )
    consumer.subscribe(list(wanted))
    seen = {topic: 0 for topic in wanted}
    deadline = time.monotonic() + args.timeout_seconds
    try:
        while any(seen[t] < n for t, n in wanted.items()) and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                raise RuntimeError(str(message.error()))
            seen[message.topic()] += 1
            emit(
                {
                    "kind": "record",
                    "topic": message.topic(),
                    "partition": message.partition(),
                    "offset": message.offset(),
                    "key": message.key(),
                    "value": message.value(),
                }
            )
    finally:
        consumer.close()
    short = {t: f"{seen[t]} of {n}" for t, n in wanted.items() if seen[t] < n}
    if short:
        print(f"decode_topics: too few records before the deadline: {short}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
