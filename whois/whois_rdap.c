/* dvcheck -- RDAP (RFC 9083) domain answer analysis with jansson.
 *
 * Contacts are the entities whose "roles" contain registrant, administrative
 * or technical (matched case-insensitively; some servers capitalise). The
 * e-mail is the first "email" property of the entity's jCard (RFC 7095);
 * without one, a "contact-uri" is taken as a web form. An entity without
 * either is "redacted" when its remarks (or the RFC 9537 "redacted" member
 * of the domain) say so, else "absent". Entities below the registrar entity
 * (its abuse desk) are not contacts of the domain. The same value rules
 * (proxy relays, redaction texts, web forms) as for WHOIS text apply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "whois/whois_int.h"
#include "whois/whois_parse.h"

#define DV_RDAP_MAX_DEPTH 6

static int role_of(const char *s)
{
  if (!strcasecmp(s, "registrant"))
    return DV_WROLE_REGISTRANT;
  if (!strcasecmp(s, "administrative") || !strcasecmp(s, "admin"))
    return DV_WROLE_ADMIN;
  if (!strcasecmp(s, "technical") || !strcasecmp(s, "tech"))
    return DV_WROLE_TECH;
  if (!strcasecmp(s, "registrar"))
    return DV_WROLE_OTHER;
  return -1;
}

/* First string value of jCard property NAME, or NULL. */
static const char *vcard_prop(json_t *ent, const char *name)
{
  json_t *va = json_object_get(ent, "vcardArray"), *props, *prop;
  size_t i;
  if (!json_is_array(va) || json_array_size(va) < 2)
    return NULL;
  props = json_array_get(va, 1);
  if (!json_is_array(props))
    return NULL;
  json_array_foreach(props, i, prop) {
    json_t *pn, *pv;
    if (!json_is_array(prop) || json_array_size(prop) < 4)
      continue;
    pn = json_array_get(prop, 0);
    pv = json_array_get(prop, 3);
    if (json_is_string(pn) && !strcasecmp(json_string_value(pn), name) &&
        json_is_string(pv))
      return json_string_value(pv);
  }
  return NULL;
}

/* A remark title/description of ENT that the redacted rules recognise. */
static const char *redaction_remark(const dv_whois_patterns *p, json_t *ent)
{
  json_t *rem = json_object_get(ent, "remarks"), *r, *d, *line;
  size_t i, j;
  const char *s;
  if (!json_is_array(rem))
    return NULL;
  json_array_foreach(rem, i, r) {
    s = json_string_value(json_object_get(r, "title"));
    if (s && dv_whois_text_is_redacted(p, s, strlen(s)))
      return s;
    d = json_object_get(r, "description");
    if (json_is_array(d))
      json_array_foreach(d, j, line) {
        s = json_string_value(line);
        if (s && dv_whois_text_is_redacted(p, s, strlen(s)))
          return s;
      }
  }
  return NULL;
}

struct rdap_state {
  const dv_whois_patterns *p;
  dv_whois_info *out;
  int seen[3];
};

static dv_whois_status take_entity(struct rdap_state *rs, json_t *ent, int role)
{
  dv_contact *c = dv_whois_info_role(rs->out, (dv_whois_role)role);
  const char *v;
  dv_whois_status st;

  if (!c || rs->seen[role])
    return DV_WHOIS_OK;
  rs->seen[role] = 1;
  v = vcard_prop(ent, "email");
  if (v && *v) {
    st = dv_whois_contact_classify(rs->p, v, strlen(v), c);
    if (st)
      return st;
    if (c->status != DV_CONTACT_ABSENT)
      return DV_WHOIS_OK;
  }
  v = vcard_prop(ent, "contact-uri");
  if (v && *v) {
    st = dv_whois_contact_classify(rs->p, v, strlen(v), c);
    if (st)
      return st;
    if (c->status == DV_CONTACT_ABSENT && strstr(c->raw, "://"))
      c->status = DV_CONTACT_WEB_FORM;
    if (c->status != DV_CONTACT_ABSENT)
      return DV_WHOIS_OK;
  }
  v = redaction_remark(rs->p, ent);
  if (v) {
    c->status = DV_CONTACT_REDACTED;
    c->email[0] = '\0';
    dv_whois_value_clean(c->raw, sizeof(c->raw), v, strlen(v));
  }
  return DV_WHOIS_OK;
}

static dv_whois_status walk_entities(struct rdap_state *rs, json_t *arr,
                                     int depth)
{
  json_t *ent, *roles, *r;
  size_t i, j;
  dv_whois_status st;

  if (!json_is_array(arr) || depth > DV_RDAP_MAX_DEPTH)
    return DV_WHOIS_OK;
  json_array_foreach(arr, i, ent) {
    int registrar = 0;
    if (!json_is_object(ent))
      continue;
    roles = json_object_get(ent, "roles");
    if (json_is_array(roles))
      json_array_foreach(roles, j, r) {
        int role;
        if (!json_is_string(r))
          continue;
        role = role_of(json_string_value(r));
        if (role == DV_WROLE_OTHER) {
          const char *p43 = json_string_value(json_object_get(ent, "port43"));
          registrar = 1;
          if (p43 && !rs->out->referral[0])
            (void)dv_whois_referral_normalize(p43, rs->out->referral,
                                              sizeof(rs->out->referral));
        } else if (role >= 0) {
          st = take_entity(rs, ent, role);
          if (st)
            return st;
        }
      }
    if (!registrar) {
      st = walk_entities(rs, json_object_get(ent, "entities"), depth + 1);
      if (st)
        return st;
    }
  }
  return DV_WHOIS_OK;
}

/* RFC 9537: {"redacted": [{"name": {"type": "Registrant Email"}}, ...]} */
static void apply_redacted_member(struct rdap_state *rs, json_t *dom)
{
  static const char *const words[3] = {"registrant", "admin", "tech"};
  json_t *arr = json_object_get(dom, "redacted"), *it;
  size_t i;
  int r;
  json_array_foreach(arr, i, it) {
    json_t *name = json_object_get(it, "name");
    const char *s = json_string_value(json_object_get(name, "type"));
    char low[128];
    size_t k;
    if (!s)
      s = json_string_value(json_object_get(name, "description"));
    if (!s)
      continue;
    for (k = 0; s[k] && k + 1 < sizeof(low); k++)
      low[k] = (char)((s[k] >= 'A' && s[k] <= 'Z') ? s[k] + 32 : s[k]);
    low[k] = '\0';
    if (!strstr(low, "email"))
      continue;
    for (r = 0; r < 3; r++) {
      dv_contact *c = dv_whois_info_role(rs->out, (dv_whois_role)r);
      if (strstr(low, words[r]) && c->status == DV_CONTACT_ABSENT &&
          !c->raw[0]) {
        c->status = DV_CONTACT_REDACTED;
        dv_whois_value_clean(c->raw, sizeof(c->raw), s, strlen(s));
      }
    }
  }
}

dv_whois_status dv_rdap_parse_json(const dv_whois_patterns *p, const char *buf,
                                   size_t len, dv_whois_info *out)
{
  json_t *root = NULL, *ec;
  json_error_t jerr;
  struct rdap_state rs;
  dv_whois_status st = DV_WHOIS_OK;

  if (!out)
    return DV_WHOIS_EINVAL;
  dv_whois_info_init(out, "rdap");
  if (!p || (!buf && len))
    return DV_WHOIS_EINVAL;
  if (len > DV_WHOIS_MAX_INPUT) {
    out->truncated = 1;
    return DV_WHOIS_EFORMAT; /* a cut JSON document cannot be parsed */
  }
  root = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root || !json_is_object(root)) {
    st = DV_WHOIS_EFORMAT;
    goto out;
  }
  ec = json_object_get(root, "errorCode");
  if (json_is_integer(ec)) {
    json_int_t code = json_integer_value(ec);
    if (code == 404)
      out->not_found = 1;
    else if (code == 429)
      out->throttled = 1;
    goto out;
  }
  memset(&rs, 0, sizeof(rs));
  rs.p = p;
  rs.out = out;
  st = walk_entities(&rs, json_object_get(root, "entities"), 0);
  if (st)
    goto out;
  apply_redacted_member(&rs, root);
out:
  json_decref(root);
  if (st && st != DV_WHOIS_EFORMAT)
    dv_whois_info_init(out, "rdap");
  return st;
}
