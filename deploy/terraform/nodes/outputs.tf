output "sequencer_rpc_url" {
  description = "In-cluster JSON-RPC URL of the sequencer node."
  value       = local.sequencer_url
}

output "follower_service" {
  description = "Headless service of the followers (one DNS name per replica: aztec-follower-N.<this>)."
  value       = "aztec-follower.${local.namespace}.svc.cluster.local"
}

output "metrics_scrape_targets" {
  description = "host:port of the sequencer's, every follower's and every prover's metrics endpoint: the metrics module's node_scrape_targets."
  value = concat(
    ["aztec-sequencer-0.aztec-sequencer.${local.namespace}.svc.cluster.local:${local.roles.sequencer.metrics_port}"],
    [for i in range(var.follower_replicas) : "aztec-follower-${i}.aztec-follower.${local.namespace}.svc.cluster.local:${local.roles.follower.metrics_port}"],
    [for i in range(var.prover_replicas) : "aztec-prover-${i}.aztec-prover.${local.namespace}.svc.cluster.local:${local.prover_metrics_port}"],
  )
}
