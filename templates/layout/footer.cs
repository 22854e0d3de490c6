</main>
<?cs if:User.LoginName ?></div><?cs /if ?>
<footer class="footer">请求编号 <?cs var:Page.RequestId ?></footer>
</body>
</html>
