# README's "Errors" table is the users' list of ErrorIds; the ErrorIds class is the module's. Runbooks
# match on these ids, so both must name exactly the same ones, under the naming rule README states.
BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    $assembly = (Get-Command Connect-HubAccount -Module DockerHubPat).ImplementingType.Assembly
    $fields = $assembly.GetType('DockerHubPat.ErrorIds', $true).GetFields([Reflection.BindingFlags]'Public, Static') |
        Where-Object IsLiteral
    $script:CodeIds = @($fields | ForEach-Object { $_.GetRawConstantValue() } | Sort-Object)
    $script:FieldNames = @($fields | ForEach-Object Name | Sort-Object)

    $readme = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot '../README.md')
    $script:Section = [regex]::Match($readme, '(?ms)^## Errors\s*$(.*?)^## ').Groups[1].Value
    $rows = @($script:Section -split "`n" | Where-Object { $_ -match '^\| `' })
    $script:ReadmeIds = @($rows | ForEach-Object { ($_ -split '\|')[1] } |
        ForEach-Object { [regex]::Matches($_, '`(\w+)`') } | ForEach-Object { $_.Groups[1].Value })
}

Describe 'The ErrorIds' {
    It 'are listed in README''s Errors table exactly as the ErrorIds class lists them' {
        $script:CodeIds.Count | Should -BeGreaterThan 20
        Compare-Object ($script:ReadmeIds | Sort-Object -Unique) $script:CodeIds | ForEach-Object {
            "$($_.InputObject) is only in $(if ($_.SideIndicator -eq '<=') { 'README' } else { 'ErrorIds' })"
        } | Should -BeNullOrEmpty
    }

    It 'appear once each in the README table' {
        $script:ReadmeIds | Group-Object | Where-Object Count -gt 1 | ForEach-Object Name | Should -BeNullOrEmpty
    }

    It 'follow the naming rule <Subject><Condition> that README states' {
        $script:Section | Should -Match ([regex]::Escape('`<Subject><Condition>`'))
        $script:CodeIds | Where-Object { $_ -cnotmatch '^(Hub|AccessToken|Secret)[A-Z][A-Za-z]+$' } | Should -BeNullOrEmpty
    }

    It 'are constants named as their value, so code and text search find the same word' {
        $script:FieldNames | Should -Be $script:CodeIds
    }
}
