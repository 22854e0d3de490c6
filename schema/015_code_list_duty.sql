-- 015_code_list_duty: two more customs code lists in code_list, the
-- 征免性质 (CutMode, 3 digits) and the 征减免税方式 (DutyMode, 征免, 1 digit),
-- so that a declaration's 征免性质 and 征免 are checked and named like its
-- other coded fields (docs/reference.md).  code_list.list is an ENUM, so a
-- new list is a new member; the rows are customs' published codes.
ALTER TABLE code_list
    MODIFY list ENUM('currency','trade_mode','transac_mode','trans_mode','unit','country',
                     'cut_mode','duty_mode') NOT NULL;

-- ---- 征免性质 (海关征免性质代码表) -------------------------------------
INSERT INTO code_list (list, code, name) VALUES
    ('cut_mode', '101', '一般征税'),
    ('cut_mode', '118', '整车征税'),
    ('cut_mode', '119', '零部件征税'),
    ('cut_mode', '201', '无偿援助'),
    ('cut_mode', '299', '其他法定'),
    ('cut_mode', '301', '特定区域'),
    ('cut_mode', '307', '保税区'),
    ('cut_mode', '399', '其他地区'),
    ('cut_mode', '401', '科教用品'),
    ('cut_mode', '403', '技术改造'),
    ('cut_mode', '406', '重大项目'),
    ('cut_mode', '412', '基础设施'),
    ('cut_mode', '413', '残疾人'),
    ('cut_mode', '417', '远洋渔业'),
    ('cut_mode', '418', '国产化'),
    ('cut_mode', '419', '整车特征'),
    ('cut_mode', '420', '远洋船舶'),
    ('cut_mode', '422', '集成电路'),
    ('cut_mode', '499', 'ITA产品'),
    ('cut_mode', '501', '加工设备'),
    ('cut_mode', '502', '来料加工'),
    ('cut_mode', '503', '进料加工'),
    ('cut_mode', '506', '边境小额'),
    ('cut_mode', '510', '港澳OPA'),
    ('cut_mode', '601', '中外合资'),
    ('cut_mode', '602', '中外合作'),
    ('cut_mode', '603', '外资企业'),
    ('cut_mode', '606', '海洋石油'),
    ('cut_mode', '608', '陆上石油'),
    ('cut_mode', '609', '贷款项目'),
    ('cut_mode', '611', '贷款中标'),
    ('cut_mode', '789', '鼓励项目'),
    ('cut_mode', '799', '自有资金'),
    ('cut_mode', '801', '救灾捐赠'),
    ('cut_mode', '802', '扶贫慈善'),
    ('cut_mode', '898', '国批减免'),
    ('cut_mode', '998', '内部暂定'),
    ('cut_mode', '999', '例外减免');

-- ---- 征免 (征减免税方式代码表) -----------------------------------------
INSERT INTO code_list (list, code, name) VALUES
    ('duty_mode', '1', '照章征税'),
    ('duty_mode', '2', '折半征税'),
    ('duty_mode', '3', '全免'),
    ('duty_mode', '4', '特案'),
    ('duty_mode', '5', '随征免性质'),
    ('duty_mode', '6', '保证金'),
    ('duty_mode', '7', '保函'),
    ('duty_mode', '8', '折半补税'),
    ('duty_mode', '9', '全额退税');
