import ReinSyntax

// Builders of the bundles that the rules' examples share, so that each example shows only
// what matters to its rule.

/// A write tool with one arg, and a policy holding `rules` (one per line).
func writeToolExample(_ tool: String, _ description: String, arg: String, policy rules: String...) -> String {
    """
    tool \(tool) {
      effect write
      description "\(description)"
      arg \(arg)
      elevate remediator role "Contributor" for 15m
    }
    policy limits {
    \(rules.map { "  " + $0 }.joined(separator: "\n"))
    }
    """
}

/// A runbook with one remediation and an approval block, for the examples of approval rules.
func approvalExample(allow: String = #""*@contoso.com""#, onTimeout: String = "page P1", elevation: String = "15m") -> String {
    """
    tool restart_deployment {
      effect write
      description "Restart a deployment"
      arg namespace: namespace
      arg deployment: name
      elevate remediator role "Contributor" for \(elevation)
    }
    runbook crashloop {
      title "Pods in CrashLoopBackOff"
      trigger alert.rule like "aks-crashloop-*"
      remediate restart_deployment
      approval {
        channel "sre-oncall"
        approvers 1
        allow \(allow)
        timeout 15m
        on_timeout \(onTimeout)
      }
    }
    """
}
