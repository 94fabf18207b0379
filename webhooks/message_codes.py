"""The words of the webhooks' refusals (English templates; `common.message_text` translates them)."""

from __future__ import annotations

from common.messages import N_, register_messages

MESSAGES = register_messages(
    {
        "webhook_endpoint_not_found": N_("There is no webhook endpoint %(endpoint_id)s."),
        "webhook_delivery_not_found": N_("There is no webhook delivery %(delivery_id)s."),
        "webhook_delivery_not_dead": N_("Delivery %(delivery_id)s is %(status)s; only dead deliveries are replayed."),
        # a receiver's address
        "webhook_url_scheme": N_(
            "Give an http:// or https:// address; other kinds of address cannot receive webhooks."
        ),
        "webhook_url_host": N_(
            "The address has no host name; give the receiver's full address, e.g. https://crm.example.com/hooks."
        ),
        "webhook_url_port": N_("The port in the address is not a number from 1 to 65535."),
        "webhook_url_own_host": N_("%(host)s is this application itself; give the outside system's address."),
        "webhook_url_loopback": N_(
            "%(host)s is this machine's loopback address, which receivers may not use here; give the "
            "outside system's address."
        ),
        "webhook_url_link_local": N_(
            "%(host)s is a link-local address (such as a cloud metadata service); give the outside system's address."
        ),
    }
)
