-- One log of the site's administration to read: the site admins' own lines
-- (admin_audit), the award campaigns' log (campaign_audit, prefixed
-- campaign_) and moderators' decisions on deeds (from deed_revisions,
-- prefixed deed_). Each source keeps writing its own table; this view is
-- how /admin/audit reads them together.
CREATE VIEW site_audit AS
SELECT 'admin' AS source, id, at, actor_id, actor_name, action, target, before_value, after_value
  FROM admin_audit
UNION ALL
SELECT 'campaign', ca.id, ca.created_at, COALESCE(ca.user_id, 0), ca.actor, 'campaign_' || ca.action,
       'campaign ' || COALESCE(ca.campaign_id, 0) || CASE WHEN ca.subject = '' THEN '' ELSE ' ' || ca.subject END, '', ca.detail
  FROM campaign_audit ca
UNION ALL
SELECT 'deed', r.id, r.created_at, COALESCE(r.user_id, 0), COALESCE(u.name, ''), 'deed_' || r.action,
       'deed ' || r.deed_id, '', r.note
  FROM deed_revisions r LEFT JOIN users u ON u.id = r.user_id
 WHERE r.action IN ('published', 'returned', 'archived', 'restored', 'edit_approved', 'edit_returned');
