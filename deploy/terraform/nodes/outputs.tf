output "sequencer_rpc_url" {
  description = "In-cluster JSON-RPC URL of the sequencer node."
  value       = local.sequencer_url
}

output "follower_service" {
  description = "Headless service of the followers (one DNS name per replica: aztec-follower-N.<this>)."
  value       = "aztec-follower.${local.namespace}.svc.cluster.local"
}
