"""Generate the Kubernetes manifests (kustomize base + overlays) from sizing.toml.

    python deploy/k8s/generate.py          # write
    python deploy/k8s/generate.py --check  # exit 1 when the committed files drifted

Generated rather than hand-copied: the five services share one shape, and the
numbers live in one file that the operations guide is checked against.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TOPICS = [
    "identity.events",
    "records.events",
    "photos.events",
    "corrections.events",
    "notify.events",
    "notify.requests",
    "subscriptions.clients",
    "reports.events",
]
ROUTES = {  # path prefix → service, request body limit (as in the nginx gateway)
    "identity": "64k",
    "records": "2g",
    "photos": "1g",
    "notify": "64k",
    "corrections": "2m",
    "subscriptions": "64k",
    "reports": "64k",
}
IMAGE = "registry.example.edu.cn/jiaodui/{service}:1.0.0"
NS = "jiaodui"


def dump(docs: list[dict[str, Any]]) -> str:
    # JSON is valid YAML; one document per resource keeps diffs readable
    return "".join("---\n" + json.dumps(d, indent=2, ensure_ascii=False) + "\n" for d in docs)


def meta(name: str, **labels: str) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": NS,
        "labels": {"app.kubernetes.io/part-of": "jiaodui", **labels},
    }


def kafka(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    k = cfg["kafka"]
    pool = {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaNodePool",
        "metadata": {**meta("brokers"), "labels": {"strimzi.io/cluster": "jiaodui"}},
        "spec": {
            "replicas": k["brokers"],
            "roles": ["controller", "broker"],
            "storage": {
                "type": "jbod",
                "volumes": [
                    {
                        "id": 0,
                        "type": "persistent-claim",
                        "size": "200Gi",
                        "deleteClaim": False,
                        "kraftMetadata": "shared",
                    }
                ],
            },
            "resources": {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"memory": "4Gi"}},
        },
    }
    cluster = {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "Kafka",
        "metadata": {
            **meta("jiaodui"),
            "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
        },
        "spec": {
            "kafka": {
                "version": "4.1.1",
                "listeners": [{"name": "plain", "port": 9092, "type": "internal", "tls": False}],
                "config": {
                    "default.replication.factor": k["replication"],
                    "min.insync.replicas": k["min_insync"],
                    "offsets.topic.replication.factor": k["replication"],
                    "transaction.state.log.replication.factor": k["replication"],
                    "transaction.state.log.min.isr": k["min_insync"],
                    "unclean.leader.election.enable": False,
                    "auto.create.topics.enable": False,
                },
            },
            "entityOperator": {"topicOperator": {}, "userOperator": {}},
        },
    }
    topics = [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaTopic",
            "metadata": {
                **meta(name.replace(".", "-")),
                "labels": {"strimzi.io/cluster": "jiaodui"},
            },
            "spec": {
                "topicName": name,
                "partitions": k["partitions"],
                "replicas": k["replication"],
                "config": {
                    "retention.ms": k["retention_hours"] * 3600 * 1000,
                    "min.insync.replicas": k["min_insync"],
                },
            },
        }
        for topic in TOPICS
        for name in (topic, f"{topic}.dlq")
    ]
    return [pool, cluster, *topics]


def postgres(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    p = cfg["postgres"]
    return [
        {
            "apiVersion": "postgresql.cnpg.io/v1",
            "kind": "Cluster",
            "metadata": meta(f"pg-{service}", **{"app.kubernetes.io/component": service}),
            "spec": {
                "instances": p["instances"],
                "storage": {"size": size},
                "bootstrap": {
                    "initdb": {
                        "database": service,
                        "owner": "jiaodui",
                        "secret": {"name": f"pg-{service}-app"},
                    }
                },
                "postgresql": {"parameters": {"max_connections": "300", "shared_buffers": "1GB"}},
                "minSyncReplicas": 1,
                "maxSyncReplicas": 1,
                "backup": {
                    "retentionPolicy": "30d",
                    "barmanObjectStore": {
                        "destinationPath": f"s3://jiaodui-backups/{service}",
                        "s3Credentials": {
                            "accessKeyId": {"name": "backup-s3", "key": "ACCESS_KEY_ID"},
                            "secretAccessKey": {"name": "backup-s3", "key": "SECRET_ACCESS_KEY"},
                        },
                    },
                },
            },
        }
        for service, size in p["storage"].items()
    ] + [
        {
            "apiVersion": "postgresql.cnpg.io/v1",
            "kind": "ScheduledBackup",
            "metadata": meta(f"pg-{service}-daily"),
            "spec": {"schedule": "0 0 3 * * *", "cluster": {"name": f"pg-{service}"}},
        }
        for service in p["storage"]
    ]


def redis() -> list[dict[str, Any]]:
    labels = {"app.kubernetes.io/name": "redis"}
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": meta("redis", **labels),
            "spec": {
                "serviceName": "redis",
                "replicas": 1,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "redis",
                                "image": "redis:7-bookworm",
                                "args": [
                                    "--appendonly",
                                    "yes",
                                    "--maxmemory",
                                    "1gb",
                                    "--maxmemory-policy",
                                    "noeviction",
                                ],
                                "ports": [{"containerPort": 6379}],
                                "resources": {
                                    "requests": {"cpu": "500m", "memory": "1280Mi"},
                                    "limits": {"memory": "1280Mi"},
                                },
                                "readinessProbe": {"exec": {"command": ["redis-cli", "ping"]}},
                                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                            }
                        ]
                    },
                },
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data"},
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "10Gi"}},
                        },
                    }
                ],
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta("redis", **labels),
            "spec": {"selector": labels, "ports": [{"port": 6379}]},
        },
    ]


def cpus(quantity: str) -> int:
    """Whole CPUs of a Kubernetes CPU quantity ("1", "1.5", "500m"), rounded up, at least 1."""
    cores = int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)
    return max(1, math.ceil(cores))


def service(name: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    labels = {"app.kubernetes.io/name": name}
    env = [
        {
            "name": "JIAODUI_DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": f"pg-{name}-app", "key": "uri"}},
        },
        *[
            {"name": n, "valueFrom": {"secretKeyRef": {"name": "jiaodui-secrets", "key": n}}}
            for n in ("JIAODUI_IDENTITY_HASH_SECRET", "JIAODUI_COLLECTION_CODE_SECRET")
        ],
    ]
    if name == "identity":  # argon2 threads: os.cpu_count() in a pod is the node's count
        env.append({"name": "JIAODUI_IDENTITY_HASH_WORKERS", "value": str(cpus(spec["cpu"]))})
    if name == "reports":  # photos and PDFs of issued reports; photos is asked for a photo
        env.append({"name": "JIAODUI_REPORTS_PHOTOS_URL", "value": f"http://photos.{NS}.svc:8000"})
    if name in ("photos", "corrections", "reports"):
        env.append(
            {
                "name": f"JIAODUI_{name.upper()}_BLOB_URL",
                "value": f"s3://jiaodui-{name if name in ('photos', 'reports') else 'scans'}/",
            }
        )
        env.extend(
            {"name": n, "valueFrom": {"secretKeyRef": {"name": "blob-s3", "key": n}}}
            for n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL")
        )
    if name == "subscriptions":  # webhook secrets are sealed at rest with it
        env.append(
            {
                "name": "JIAODUI_SUBSCRIPTIONS_SEAL_SECRET",
                "valueFrom": {
                    "secretKeyRef": {
                        "name": "jiaodui-secrets",
                        "key": "JIAODUI_SUBSCRIPTIONS_SEAL_SECRET",
                    }
                },
            }
        )
    probe = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10}
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": meta(name, **labels),
            "spec": {
                "replicas": spec["min"],
                "selector": {"matchLabels": labels},
                "strategy": {"rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}},
                "template": {
                    "metadata": {
                        "labels": labels,
                        "annotations": {
                            "prometheus.io/scrape": "true",
                            "prometheus.io/port": "8000",
                        },
                    },
                    "spec": {
                        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
                        "terminationGracePeriodSeconds": 30,
                        "containers": [
                            {
                                "name": name,
                                "image": IMAGE.format(service=name),
                                "ports": [{"name": "http", "containerPort": 8000}],
                                "envFrom": [{"configMapRef": {"name": "jiaodui-config"}}],
                                "env": env,
                                "resources": {
                                    "requests": {"cpu": spec["cpu"], "memory": spec["memory"]},
                                    "limits": {"memory": spec["memory"]},
                                },
                                "readinessProbe": {
                                    **probe,
                                    "httpGet": {"path": "/readyz", "port": "http"},
                                },
                                "livenessProbe": {**probe, "failureThreshold": 6},
                                "securityContext": {
                                    "allowPrivilegeEscalation": False,
                                    "readOnlyRootFilesystem": True,
                                },
                            }
                        ],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta(name, **labels),
            "spec": {
                "selector": labels,
                "ports": [{"name": "http", "port": 8000, "targetPort": "http"}],
            },
        },
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": meta(name),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                "minReplicas": spec["min"],
                "maxReplicas": spec["max"],
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 65},
                        },
                    }
                ],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": meta(name),
            "spec": {"minAvailable": max(1, spec["min"] - 1), "selector": {"matchLabels": labels}},
        },
    ]


def ingress() -> list[dict[str, Any]]:
    docs = []
    for name, body in ROUTES.items():
        annotations = {
            "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
            "nginx.ingress.kubernetes.io/use-regex": "true",
            "nginx.ingress.kubernetes.io/proxy-body-size": body,
            "nginx.ingress.kubernetes.io/configuration-snippet": (
                'more_set_headers "X-Content-Type-Options: nosniff";\n'
                "more_set_headers \"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\";\n"
                'more_set_headers "Referrer-Policy: no-referrer";\n'
            ),
        }
        if body in ("1g", "2g"):
            annotations["nginx.ingress.kubernetes.io/proxy-request-buffering"] = "off"
        if name == "identity":
            annotations["nginx.ingress.kubernetes.io/limit-rpm"] = "60"
        docs.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {**meta(f"api-{name}"), "annotations": annotations},
                "spec": {
                    "ingressClassName": "nginx",
                    "rules": [
                        {
                            "host": "jiaodui.example.edu.cn",
                            "http": {
                                "paths": [
                                    {
                                        "path": f"/api/{name}(/|$)(.*)",
                                        "pathType": "ImplementationSpecific",
                                        "backend": {
                                            "service": {"name": name, "port": {"name": "http"}}
                                        },
                                    }
                                ]
                            },
                        }
                    ],
                },
            }
        )
    return docs


def config(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    data = {
        "JIAODUI_ENVIRONMENT": "prod",
        "JIAODUI_HTTP_HOST": "0.0.0.0",  # noqa: S104 - inside a pod
        "JIAODUI_HTTP_PORT": "8000",
        "JIAODUI_KAFKA_BOOTSTRAP": "jiaodui-kafka-bootstrap:9092",
        "JIAODUI_KAFKA_PARTITIONS": str(cfg["kafka"]["partitions"]),
        "JIAODUI_KAFKA_REPLICATION": str(cfg["kafka"]["replication"]),
        "JIAODUI_REDIS_URL": "redis://redis:6379/0",
        "JIAODUI_JWKS_URL": "http://identity:8000/.well-known/jwks.json",
        "JIAODUI_PUBLIC_BASE_URL": "https://jiaodui.example.edu.cn",
        "JIAODUI_NOTIFY_SMTP_HOST": "smtp.example.edu.cn",
        "JIAODUI_NOTIFY_SMTP_PORT": "587",
        "JIAODUI_NOTIFY_SMTP_STARTTLS": "true",
    }
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("jiaodui-config"), "data": data},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}},
    ]


def files(cfg: dict[str, Any]) -> dict[Path, str]:
    base = {
        "config.yaml": config(cfg),
        "kafka.yaml": kafka(cfg),
        "postgres.yaml": postgres(cfg),
        "redis.yaml": redis(),
        "ingress.yaml": ingress(),
        **{f"service-{n}.yaml": service(n, s) for n, s in cfg["services"].items()},
    }
    out = {HERE / "base" / name: dump(docs) for name, docs in base.items()}
    out[HERE / "base" / "kustomization.yaml"] = dump(
        [
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": sorted(base),
            }
        ]
    )
    small = [{"op": "replace", "path": "/spec/replicas", "value": 1}]
    out[HERE / "overlays" / "campus" / "kustomization.yaml"] = dump(
        [
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": ["../../base"],
                "patches": [
                    {"target": {"kind": "Deployment"}, "patch": json.dumps(small)},
                    {
                        "target": {"kind": "HorizontalPodAutoscaler"},
                        "patch": json.dumps(
                            [
                                {"op": "replace", "path": "/spec/minReplicas", "value": 1},
                                {"op": "replace", "path": "/spec/maxReplicas", "value": 3},
                            ]
                        ),
                    },
                    {
                        "target": {"kind": "PodDisruptionBudget"},
                        "patch": json.dumps(
                            [{"op": "replace", "path": "/spec/minAvailable", "value": 0}]
                        ),
                    },
                    {
                        "target": {"kind": "Cluster"},
                        "patch": json.dumps(
                            [
                                {"op": "replace", "path": "/spec/instances", "value": 1},
                                {"op": "replace", "path": "/spec/minSyncReplicas", "value": 0},
                                {"op": "replace", "path": "/spec/maxSyncReplicas", "value": 0},
                            ]
                        ),
                    },
                ],
            }
        ]
    )
    out[HERE / "overlays" / "national" / "kustomization.yaml"] = dump(
        [
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": ["../../base"],
            }
        ]
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    cfg = tomllib.loads((HERE / "sizing.toml").read_text())
    rendered = files(cfg)
    if args.check:
        stale = [
            str(p.relative_to(HERE))
            for p, t in rendered.items()
            if not p.exists() or p.read_text() != t
        ]
        for name in stale:
            print(f"out of date: deploy/k8s/{name}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in rendered.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
