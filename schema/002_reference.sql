-- 002_reference: the jurisdictions the demo and tests use.  The operator
-- maintains these in the portal; a production load replaces them with the
-- full 税务机关 and 关区 code lists.
INSERT INTO tax_bureau (code, name) VALUES
    ('15101000000', '国家税务总局成都市税务局'),
    ('15101040000', '国家税务总局成都市锦江区税务局'),
    ('15101070000', '国家税务总局成都市武侯区税务局'),
    ('15101160000', '国家税务总局成都市双流区税务局'),
    ('15107000000', '国家税务总局绵阳市税务局');

INSERT INTO customs_district (code, name) VALUES
    ('7900', '成都海关'),
    ('7901', '成都双流机场海关'),
    ('7902', '成都铁路港海关'),
    ('7910', '绵阳海关');
