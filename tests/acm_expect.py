"""What ACM's ListCertificates summaries call for, read with botocore and
independent of dvcheck: tests/acm-scale.sh and tests/acm-org-scale.sh hold
dvcheck's call counts against it. One copy of the rule (src/cmd_expiry.c,
src/cmd_audit.c pick the same way)."""


def list_all(acm, key_types):
    """Every summary of a region, page by page, every key type."""
    summ, kw = [], {"Includes": {"keyTypes": key_types}, "MaxItems": 1000}
    while True:
        r = acm.list_certificates(**kw)
        summ += r["CertificateSummaryList"]
        if not r.get("NextToken"):
            return summ
        kw["NextToken"] = r["NextToken"]


def expect(summ, days, now, arns=False):
    """Counts: listed; expiring within `days`; expiry's DescribeCertificate
    calls; audit's picked certificates, those it describes and the IMPORTED
    ones it diagnoses from the summary. With arns: the sorted ARNs too."""
    e = {"listed": len(summ), "expiring": 0, "ex_describe": 0, "au_picked": 0,
         "au_describe": 0, "au_imported": 0}
    if arns:
        e["arns"] = sorted(x["CertificateArn"] for x in summ)
    for x in summ:
        na = x.get("NotAfter")
        left = na.timestamp() - now if na else None
        st, ty = x["Status"], x["Type"]
        # expiry: within the window; a DescribeCertificate only for what ACM
        # should renew (AMAZON_ISSUED, in use, not yet expired)
        if left is not None and left < days * 86400:
            e["expiring"] += 1
            if ty == "AMAZON_ISSUED" and left > 0 and x.get("RenewalEligibility") != "INELIGIBLE":
                e["ex_describe"] += 1
        # audit: the problem ones; IMPORTED ones are diagnosed from the summary
        picked = (st in ("PENDING_VALIDATION", "VALIDATION_TIMED_OUT", "FAILED")
                  or (st == "EXPIRED" and x.get("InUse"))
                  or (st == "ISSUED" and left is not None
                      and (left < days * 86400
                           or (ty == "AMAZON_ISSUED" and left < 60 * 86400))))
        if picked:
            e["au_picked"] += 1
            if ty == "IMPORTED":
                e["au_imported"] += 1
            else:
                e["au_describe"] += 1
    return e
