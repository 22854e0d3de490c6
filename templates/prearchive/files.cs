<?cs # The files of one 业务跟踪号: 单证种类, 文件名, 大小, 上传时间, and 查看 /
       删除.  files: an HDF list of {id, kind_name, file_name, size,
       uploaded_at}; from: where 删除 comes back to ("list" or "upload").
       File names are what the browser sent: shown escaped, never a path. ?>
<?cs def:prearchive_files(files, from, can_edit) ?>
<table class="list files">
  <thead>
    <tr>
      <th>单证种类</th>
      <th>文件名</th>
      <th>大小</th>
      <th>上传时间</th>
      <th>操作</th>
    </tr>
  </thead>
  <tbody>
  <?cs each:f = files ?>
    <tr>
      <td><?cs var:f.kind_name ?></td>
      <td class="file-name"><?cs var:f.file_name ?></td>
      <td class="num"><?cs var:f.size ?></td>
      <td><?cs var:string.slice(f.uploaded_at, 0, 16) ?></td>
      <td class="ops">
        <a href="/prearchive/file?id=<?cs var:f.id ?>" target="_blank" rel="noopener">查看</a>
        <?cs if:can_edit ?>
        <form method="post" action="/prearchive/delete" data-confirm="确定删除文件“<?cs var:f.file_name ?>”吗？">
          <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
          <input type="hidden" name="id" value="<?cs var:f.id ?>">
          <input type="hidden" name="from" value="<?cs var:from ?>">
          <button type="submit" class="link">删除</button>
        </form>
        <?cs /if ?>
      </td>
    </tr>
  <?cs /each ?>
  <?cs if:subcount(files) == 0 ?><tr><td colspan="5">尚未上传单证文件。</td></tr><?cs /if ?>
  </tbody>
</table>
<?cs /def ?>
