-- 018_code_list_port_district: two more customs code lists in code_list,
-- the 港口代码表 (指运港, DistinatePort) and the 国内地区代码表 (境内货源地,
-- DistrictCode), so that a declaration's 指运港 and 境内货源地 are checked
-- and named like its other coded fields (docs/reference.md).  A realistic
-- subset, NOT authoritative: production imports customs' published tables
-- through the operator's 代码表 import.  code_list.list is an ENUM, so a new
-- list is a new member (as in 015).
ALTER TABLE code_list
    MODIFY list ENUM('currency','trade_mode','transac_mode','trans_mode','unit','country',
                     'cut_mode','duty_mode','port','district') NOT NULL;

-- ---- 指运港 (港口代码表) -------------------------------------------------
-- A port code is the country's ISO 3166-1 alpha-3 code and three digits;
-- <country>000 stands for the country when its port is not in the table
-- (the 填制规范: 指运港 not in the 港口代码表 → the country's name and
-- code).  Seeded: the country entries of the seeded 国别地区 and 香港's two
-- (HKG000 the region, HKG003 the port).  Named ports of other countries
-- come with customs' table.
INSERT INTO code_list (list, code, name) VALUES
    ('port', 'ARE000', '阿联酋'),
    ('port', 'AUS000', '澳大利亚'),
    ('port', 'BEL000', '比利时'),
    ('port', 'CAN000', '加拿大'),
    ('port', 'CHE000', '瑞士'),
    ('port', 'CHN000', '中国境内'),
    ('port', 'DEU000', '德国'),
    ('port', 'DNK000', '丹麦'),
    ('port', 'ESP000', '西班牙'),
    ('port', 'FRA000', '法国'),
    ('port', 'GBR000', '英国'),
    ('port', 'HKG000', '中国香港'),
    ('port', 'HKG003', '香港'),
    ('port', 'IDN000', '印度尼西亚'),
    ('port', 'IND000', '印度'),
    ('port', 'IRL000', '爱尔兰'),
    ('port', 'ITA000', '意大利'),
    ('port', 'JPN000', '日本'),
    ('port', 'KOR000', '韩国'),
    ('port', 'MAC000', '中国澳门'),
    ('port', 'MYS000', '马来西亚'),
    ('port', 'NLD000', '荷兰'),
    ('port', 'NZL000', '新西兰'),
    ('port', 'PHL000', '菲律宾'),
    ('port', 'RUS000', '俄罗斯联邦'),
    ('port', 'SAU000', '沙特阿拉伯'),
    ('port', 'SGP000', '新加坡'),
    ('port', 'SWE000', '瑞典'),
    ('port', 'THA000', '泰国'),
    ('port', 'TUR000', '土耳其'),
    ('port', 'TWN000', '中国台湾'),
    ('port', 'USA000', '美国'),
    ('port', 'VNM000', '越南');

-- ---- 境内货源地 (国内地区代码表) -------------------------------------------
-- Five digits: the first four the 行政区划 (province, city), the fifth the
-- kind of area (1 经济特区, 2 经济技术开发区, 3 高新技术产业开发区, 4 保税区,
-- 5 出口加工区, 6 保税港区, 7 保税物流园区, 9 其他); <province>909 is the
-- rest of a province.
INSERT INTO code_list (list, code, name) VALUES
    ('district', '11132', '北京经济技术开发区'),
    ('district', '11909', '北京其他'),
    ('district', '12072', '天津经济技术开发区'),
    ('district', '12074', '天津港保税区'),
    ('district', '12909', '天津其他'),
    ('district', '13019', '石家庄其他'),
    ('district', '13909', '河北其他'),
    ('district', '14019', '太原其他'),
    ('district', '31909', '上海其他'),
    ('district', '32019', '南京其他'),
    ('district', '32052', '苏州工业园区'),
    ('district', '32059', '苏州其他'),
    ('district', '32236', '昆山综合保税区'),
    ('district', '32239', '昆山'),
    ('district', '32909', '江苏其他'),
    ('district', '33012', '杭州经济技术开发区'),
    ('district', '33013', '杭州高新技术产业开发区'),
    ('district', '33019', '杭州其他'),
    ('district', '33024', '宁波北仑港保税区'),
    ('district', '33026', '宁波梅山保税港区'),
    ('district', '33909', '浙江其他'),
    ('district', '44019', '广州其他'),
    ('district', '44031', '深圳特区'),
    ('district', '44039', '深圳其他'),
    ('district', '44041', '珠海特区'),
    ('district', '44049', '珠海其他'),
    ('district', '44051', '汕头特区'),
    ('district', '44069', '佛山其他'),
    ('district', '44079', '江门'),
    ('district', '44129', '肇庆'),
    ('district', '44139', '惠州其他'),
    ('district', '44909', '广东其他'),
    ('district', '50909', '重庆其他'),
    ('district', '51012', '成都经济技术开发区'),
    ('district', '51013', '成都高新技术产业开发区'),
    ('district', '51019', '成都其他'),
    ('district', '51039', '自贡'),
    ('district', '51049', '攀枝花'),
    ('district', '51059', '泸州'),
    ('district', '51069', '德阳'),
    ('district', '51079', '绵阳'),
    ('district', '51909', '四川其他');
